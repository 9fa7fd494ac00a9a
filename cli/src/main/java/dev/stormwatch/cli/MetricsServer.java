package dev.stormwatch.cli;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} (Prometheus text format) and {@code /healthz} for an app run as its own process
 * that has no HTTP server of its own (ingest, later the notifier's dispatcher).
 */
final class MetricsServer implements AutoCloseable {

  private final Javalin server;
  private final String host;

  private MetricsServer(Javalin server, String host) {
    this.server = server;
    this.host = host;
  }

  static MetricsServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    Javalin server = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.jetty.host = host;
      config.jetty.port = port;
      config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
          .result(registry.scrape()));
      config.routes.get("/healthz", ctx -> {
        boolean up = healthy.getAsBoolean();
        ctx.status(up ? 200 : 503).contentType("application/json").result(up ? "{\"status\":\"ok\"}"
            : "{\"status\":\"unavailable\"}");
      });
    }).start();
    return new MetricsServer(server, host.equals("0.0.0.0") ? "127.0.0.1" : host);
  }

  String url() {
    return "http://" + host + ":" + server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}
