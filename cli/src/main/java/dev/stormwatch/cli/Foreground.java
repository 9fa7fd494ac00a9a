package dev.stormwatch.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps a started service in the foreground until Ctrl-C, SIGTERM or {@link #stop()}, then
 * closes it exactly once: from the JVM's shutdown hook on a signal, from the waiting thread
 * otherwise. Shared by every long-running command, so none copies the lifecycle.
 */
final class Foreground {

  /** Counted down once the service is up; lets a test wait for readiness without sleeping. */
  final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stop = new CountDownLatch(1);

  /** Marks the service as up, then blocks until it is asked to stop, and closes it. */
  void run(AutoCloseable service) throws InterruptedException {
    Thread hook = new Thread(() -> {
      stop.countDown();
      closeQuietly(service);
    }, "stormwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    started.countDown();
    stop.await();
    if (!shuttingDown(hook)) {
      closeQuietly(service);
    }
  }

  /** Starts services, pushing each onto {@code started} as soon as it runs. */
  @FunctionalInterface
  interface Starter {
    void start(Deque<AutoCloseable> started);
  }

  /**
   * Starts what {@code starter} pushes; if starting fails, closes what had started, last first, and
   * rethrows. Then as {@link #run}, closing everything, last first, when asked to stop.
   */
  void runAll(Starter starter) throws InterruptedException {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      starter.start(started);
    } catch (RuntimeException e) {
      LocalStormwatch.closeAll(started);
      throw e;
    }
    run(() -> LocalStormwatch.closeAll(started));
  }

  /** Asks {@link #run} to return, as a signal would. */
  void stop() {
    stop.countDown();
  }

  private static boolean shuttingDown(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  private static void closeQuietly(AutoCloseable service) {
    try {
      service.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(Foreground.class).error("error while stopping", e);
    }
  }
}
