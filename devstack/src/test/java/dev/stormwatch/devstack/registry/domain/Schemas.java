package dev.stormwatch.devstack.registry.domain;

/** Avro schemas the tests evolve. */
final class Schemas {

    private Schemas() {
    }

    /** A record "Alert" with the given fields, each a JSON field definition. */
    static String alert(String... fields) {
        return "{\"type\":\"record\",\"name\":\"Alert\",\"namespace\":\"dev.stormwatch.test\",\"fields\":["
                + String.join(",", fields) + "]}";
    }

    static final String ID = "{\"name\":\"id\",\"type\":\"string\"}";
    static final String SEVERITY_NO_DEFAULT = "{\"name\":\"severity\",\"type\":\"int\"}";
    static final String SEVERITY_WITH_DEFAULT = "{\"name\":\"severity\",\"type\":\"int\",\"default\":0}";
    static final String SERVICE_NO_DEFAULT = "{\"name\":\"service\",\"type\":\"string\"}";

    static final String V1 = alert(ID);
    /** V1 plus a field with a default: backward and forward compatible with V1. */
    static final String V2_DEFAULTED = alert(ID, SEVERITY_WITH_DEFAULT);
    /** V1 plus a field without default: forward compatible only (new reader cannot fill it). */
    static final String V2_REQUIRED = alert(ID, SEVERITY_NO_DEFAULT);
}
