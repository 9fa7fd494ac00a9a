package dev.stormwatch.devstack.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.devstack.registry.domain.ErrorCode;
import dev.stormwatch.devstack.registry.domain.RegisterRequest;
import dev.stormwatch.devstack.registry.domain.RegistryException;
import dev.stormwatch.devstack.registry.domain.SchemaReference;
import dev.stormwatch.devstack.registry.domain.SchemaRegistry;
import dev.stormwatch.devstack.registry.domain.StoredVersion;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent Schema Registry's REST API (v1) over a {@link SchemaRegistry}: the HTTP layer only maps
 * requests and responses; the rules live in the domain.
 *
 * <p>Responses are {@code application/vnd.schemaregistry.v1+json}; every error is
 * {@code {"error_code": N, "message": "..."}} with Confluent's codes. Request bodies are read as JSON
 * whatever their content type, up to a size limit (413 above it). Query parameters clients send that
 * do not apply here ({@code normalize}, {@code format}, {@code subject} on id lookups...) are accepted
 * and ignored.
 */
public final class RegistryHttpApi {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger log = LoggerFactory.getLogger(RegistryHttpApi.class);
    /** How much of an oversized body is read and dropped before answering 413. */
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private final SchemaRegistry registry;
    private final long maxBodyBytes;
    private final ObjectMapper json = new ObjectMapper();

    public RegistryHttpApi(SchemaRegistry registry, long maxBodyBytes) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Creates (without starting) a Javalin server serving the API. */
    public Javalin create(String host, int port) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.http.maxRequestSize = maxBodyBytes;
            config.http.prefer405over404 = true;
            config.http.defaultContentType = CONTENT_TYPE;
            config.router.ignoreTrailingSlashes = true;
            routes(config);
        });
    }

    private void routes(JavalinConfig config) {
        var r = config.routes;
        r.get("/", ctx -> ok(ctx, json.createObjectNode()));
        r.get("/contexts", ctx -> ok(ctx, json.createArrayNode().add(".")));

        r.get("/schemas/types", ctx -> ok(ctx, json.createArrayNode().add("AVRO")));
        r.get("/schemas/ids/{id}", ctx -> {
            StoredVersion schema = registry.schemaById(id(ctx));
            ObjectNode body = json.createObjectNode().put("schema", schema.schema());
            references(body, schema.references());
            if (flag(ctx, "fetchMaxId")) {
                body.put("maxId", registry.maxId());
            }
            ok(ctx, body);
        });
        r.get("/schemas/ids/{id}/schema", ctx -> raw(ctx, registry.schemaById(id(ctx)).schema()));
        r.get("/schemas/ids/{id}/versions", ctx -> {
            ArrayNode body = json.createArrayNode();
            for (StoredVersion v : registry.versionsWithId(id(ctx), flag(ctx, "deleted"))) {
                body.addObject().put("subject", v.subject()).put("version", v.version());
            }
            ok(ctx, body);
        });
        r.get("/schemas/ids/{id}/subjects", ctx -> ok(ctx, strings(registry.subjectsWithId(id(ctx), flag(ctx, "deleted")))));

        r.get("/subjects", ctx -> ok(ctx, strings(registry.subjects(ctx.queryParam("subjectPrefix"),
                flag(ctx, "deleted"), flag(ctx, "deletedOnly")))));
        r.post("/subjects/{subject}", ctx -> {
            StoredVersion found = registry.lookup(subject(ctx), schemaRequest(ctx), flag(ctx, "deleted"));
            ok(ctx, version(found));
        });
        r.delete("/subjects/{subject}", ctx ->
                ok(ctx, ints(registry.deleteSubject(subject(ctx), flag(ctx, "permanent")))));
        r.get("/subjects/{subject}/versions", ctx ->
                ok(ctx, ints(registry.versions(subject(ctx), flag(ctx, "deleted"), flag(ctx, "deletedOnly")))));
        r.post("/subjects/{subject}/versions", ctx -> {
            int id = registry.register(subject(ctx), schemaRequest(ctx));
            ok(ctx, json.createObjectNode().put("id", id));
        });
        r.get("/subjects/{subject}/versions/{version}", ctx ->
                ok(ctx, version(registry.version(subject(ctx), ctx.pathParam("version"), flag(ctx, "deleted")))));
        r.get("/subjects/{subject}/versions/{version}/schema", ctx ->
                raw(ctx, registry.version(subject(ctx), ctx.pathParam("version"), flag(ctx, "deleted")).schema()));
        r.get("/subjects/{subject}/versions/{version}/referencedby", ctx -> {
            StoredVersion target = registry.version(subject(ctx), ctx.pathParam("version"), true);
            ok(ctx, ints(registry.state().referencesTo(target.subject(), target.version()).stream()
                    .map(StoredVersion::id).distinct().toList()));
        });
        r.delete("/subjects/{subject}/versions/{version}", ctx -> ok(ctx,
                json.getNodeFactory().numberNode(registry.deleteVersion(subject(ctx), ctx.pathParam("version"),
                        flag(ctx, "permanent")))));

        r.post("/compatibility/subjects/{subject}/versions/{version}", ctx ->
                compatibility(ctx, ctx.pathParam("version")));
        r.post("/compatibility/subjects/{subject}/versions", ctx -> compatibility(ctx, null));

        r.get("/config", ctx -> ok(ctx, level(registry.globalCompatibility().name())));
        r.put("/config", ctx -> ok(ctx, json.createObjectNode().put("compatibility",
                registry.setGlobalCompatibility(field(ctx, "compatibility")).name())));
        r.delete("/config", ctx -> ok(ctx, level(registry.deleteGlobalCompatibility().name())));
        r.get("/config/{subject}", ctx ->
                ok(ctx, level(registry.subjectCompatibility(subject(ctx), flag(ctx, "defaultToGlobal")).name())));
        r.put("/config/{subject}", ctx -> ok(ctx, json.createObjectNode().put("compatibility",
                registry.setSubjectCompatibility(subject(ctx), field(ctx, "compatibility")).name())));
        r.delete("/config/{subject}", ctx -> ok(ctx, level(registry.deleteSubjectCompatibility(subject(ctx)).name())));

        r.get("/mode", ctx -> ok(ctx, mode(registry.globalMode().name())));
        r.put("/mode", ctx -> ok(ctx, mode(registry.setGlobalMode(field(ctx, "mode")).name())));
        r.delete("/mode", ctx -> ok(ctx, mode(registry.deleteGlobalMode().name())));
        r.get("/mode/{subject}", ctx ->
                ok(ctx, mode(registry.subjectMode(subject(ctx), flag(ctx, "defaultToGlobal")).name())));
        r.put("/mode/{subject}", ctx -> ok(ctx, mode(registry.setSubjectMode(subject(ctx), field(ctx, "mode")).name())));
        r.delete("/mode/{subject}", ctx -> ok(ctx, mode(registry.deleteSubjectMode(subject(ctx)).name())));

        // Confluent's Node serializer asks for topic associations first and falls back to the
        // topic name strategy on a 404, which is what a registry without associations answers.
        r.get("/associations/resources/{namespace}/{name}", ctx -> notFound(ctx));
        r.get("/associations/subjects/{subject}", ctx -> notFound(ctx));

        r.exception(RegistryException.class, (e, ctx) -> error(ctx, e.errorCode(), e.getMessage()));
        r.exception(BadRequest.class, (e, ctx) -> error(ctx, e.code, e.getMessage()));
        r.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            error(ctx, status, status, "HTTP " + status + " " + e.getMessage());
        });
        r.exception(Exception.class, (e, ctx) -> {
            log.error("Unexpected error serving {} {}", ctx.method(), ctx.path(), e);
            error(ctx, ErrorCode.INTERNAL_ERROR, "Internal server error: " + e.getClass().getSimpleName());
        });
    }

    private void compatibility(Context ctx, String version) throws IOException {
        boolean verbose = flag(ctx, "verbose");
        List<String> problems = registry.checkCompatibility(subject(ctx), version, schemaRequest(ctx), verbose);
        ObjectNode body = json.createObjectNode().put("is_compatible", problems.isEmpty());
        if (verbose) {
            body.set("messages", strings(problems));
        }
        ok(ctx, body);
    }

    // ---------------------------------------------------------------- request parsing

    /** An input error found before the domain is asked. */
    private static final class BadRequest extends RuntimeException {
        private final ErrorCode code;

        BadRequest(ErrorCode code, String message) {
            super(message);
            this.code = code;
        }
    }

    private static String subject(Context ctx) {
        return ctx.pathParam("subject");
    }

    private static int id(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new BadRequest(ErrorCode.SCHEMA_NOT_FOUND, "Schema " + raw + " not found");
        }
    }

    private static boolean flag(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    private JsonNode body(Context ctx) throws IOException {
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                // read (and drop) a bounded rest, so that the client, still sending, gets the answer
                long drained = 0;
                byte[] sink = new byte[64 * 1024];
                for (int n; drained < MAX_DRAIN_BYTES && (n = in.read(sink)) > 0; ) {
                    drained += n;
                }
                throw tooLarge();
            }
        }
        if (bytes.length == 0) {
            return json.nullNode();
        }
        try {
            JsonNode node = json.readTree(bytes);
            return node == null ? json.nullNode() : node;
        } catch (JsonProcessingException e) {
            throw new BadRequest(ErrorCode.BAD_REQUEST, "Malformed JSON: " + e.getOriginalMessage());
        }
    }

    private BadRequest tooLarge() {
        return new BadRequest(ErrorCode.PAYLOAD_TOO_LARGE, "Request body larger than " + maxBodyBytes + " bytes");
    }

    private RegisterRequest schemaRequest(Context ctx) throws IOException {
        JsonNode body = body(ctx);
        if (!body.isObject()) {
            throw new BadRequest(ErrorCode.INVALID_SCHEMA, "The request body must be a JSON object with a \"schema\"");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull()) {
            throw new BadRequest(ErrorCode.INVALID_SCHEMA, "Empty schema");
        }
        if (!schema.isTextual()) {
            throw new BadRequest(ErrorCode.INVALID_SCHEMA, "\"schema\" must be a string holding the schema");
        }
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !type.isTextual()) {
            throw new BadRequest(ErrorCode.INVALID_SCHEMA, "\"schemaType\" must be a string");
        }
        List<SchemaReference> refs = new ArrayList<>();
        JsonNode references = body.get("references");
        if (references != null && !references.isNull()) {
            if (!references.isArray()) {
                throw new BadRequest(ErrorCode.INVALID_SCHEMA, "\"references\" must be an array");
            }
            for (JsonNode ref : references) {
                if (!ref.path("name").isTextual() || !ref.path("subject").isTextual() || !ref.path("version").canConvertToInt()) {
                    throw new BadRequest(ErrorCode.INVALID_SCHEMA,
                            "Each reference needs a string \"name\", a string \"subject\" and an integer \"version\"");
                }
                refs.add(new SchemaReference(ref.get("name").asText(), ref.get("subject").asText(), ref.get("version").asInt()));
            }
        }
        return new RegisterRequest(schema.asText(), type == null || type.isNull() ? null : type.asText(), refs,
                optionalInt(body, "id"), optionalInt(body, "version"));
    }

    private static Integer optionalInt(JsonNode body, String name) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt()) {
            throw new BadRequest(ErrorCode.INVALID_SCHEMA, "\"" + name + "\" must be an integer");
        }
        return node.asInt();
    }

    /** A string field of a config or mode body; a missing field or body is null, which the domain rejects. */
    private String field(Context ctx, String name) throws IOException {
        JsonNode node = body(ctx).get(name);
        return node != null && node.isTextual() ? node.asText().toUpperCase(Locale.ROOT) : null;
    }

    // ---------------------------------------------------------------- responses

    private ObjectNode version(StoredVersion v) {
        ObjectNode node = json.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id());
        references(node, v.references());
        return node.put("schema", v.schema());
    }

    private void references(ObjectNode node, List<SchemaReference> references) {
        if (!references.isEmpty()) {
            ArrayNode refs = node.putArray("references");
            for (SchemaReference ref : references) {
                refs.addObject().put("name", ref.name()).put("subject", ref.subject()).put("version", ref.version());
            }
        }
    }

    private ObjectNode level(String level) {
        return json.createObjectNode().put("compatibilityLevel", level);
    }

    private ObjectNode mode(String mode) {
        return json.createObjectNode().put("mode", mode);
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode node = json.createArrayNode();
        values.forEach(node::add);
        return node;
    }

    private ArrayNode ints(List<Integer> values) {
        ArrayNode node = json.createArrayNode();
        values.forEach(node::add);
        return node;
    }

    private void ok(Context ctx, JsonNode body) throws JsonProcessingException {
        ctx.status(200).contentType(CONTENT_TYPE).result(json.writeValueAsBytes(body));
    }

    /** The schema text itself, as Confluent's {@code .../schema} endpoints answer. */
    private static void raw(Context ctx, String schema) {
        ctx.status(200).contentType(CONTENT_TYPE).result(schema.getBytes(StandardCharsets.UTF_8));
    }

    private void notFound(Context ctx) {
        error(ctx, ErrorCode.NOT_FOUND, "HTTP 404 Not Found");
    }

    private void error(Context ctx, ErrorCode code, String message) {
        error(ctx, code.httpStatus(), code.code(), message);
    }

    private void error(Context ctx, int status, int code, String message) {
        ObjectNode body = json.createObjectNode().put("error_code", code).put("message", message);
        try {
            ctx.status(status).contentType(CONTENT_TYPE).result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            ctx.status(status).contentType(CONTENT_TYPE).result("{\"error_code\":" + code + ",\"message\":\"error\"}");
        }
    }
}
