package dev.stormwatch.common.registry;

/** A subject's (or the registry's global) compatibility level, as the registry names it. */
public enum CompatibilityLevel {
  NONE,
  BACKWARD,
  BACKWARD_TRANSITIVE,
  FORWARD,
  FORWARD_TRANSITIVE,
  FULL,
  FULL_TRANSITIVE
}
