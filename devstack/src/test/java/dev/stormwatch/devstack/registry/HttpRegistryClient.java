package dev.stormwatch.devstack.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain java.net.http client for the registry's REST API, as any non-Java client would use it. */
final class HttpRegistryClient {

    static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;

    HttpRegistryClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** One answer: status, content type, raw body and the body as JSON (null when it is not JSON). */
    record Answer(int status, String contentType, String text, JsonNode json) {
        int errorCode() {
            return json == null ? -1 : json.path("error_code").asInt(-1);
        }
    }

    Answer get(String path) {
        return send("GET", path, null, V1_JSON);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, V1_JSON);
    }

    Answer post(String path, String body) {
        return send("POST", path, body, V1_JSON);
    }

    Answer put(String path, String body) {
        return send("PUT", path, body, V1_JSON);
    }

    Answer send(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode parsed;
            try {
                parsed = response.body().isEmpty() ? null : JSON.readTree(response.body());
            } catch (IOException e) {
                parsed = null;
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The JSON body {"schema": "..."} (plus extra fields) for a schema text. */
    static String schemaBody(String schema, String... extraFields) {
        StringBuilder body = new StringBuilder("{\"schema\":").append(quote(schema));
        for (String field : extraFields) {
            body.append(',').append(field);
        }
        return body.append('}').toString();
    }

    static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
