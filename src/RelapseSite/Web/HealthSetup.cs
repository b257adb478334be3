using System.Buffers;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RelapseSite.Content;

namespace RelapseSite.Web;

/// <summary>
/// <c>/healthz</c> says the process answers (liveness: no checks, so a slow disk or a mail fault never gets it
/// restarted). <c>/healthz/ready</c> runs every check tagged <see cref="ReadyTag"/> and reports each one as JSON.
/// Degraded still answers 200: a mail or content fault must not take the crisis numbers offline. Only a request from
/// this machine gets each check's description and figures: how many inquiries wait is not for the public.
/// </summary>
public static class HealthSetup
{
    /// <summary>Checks with this tag decide readiness. Any area registers its own: <c>AddCheck&lt;T&gt;("name", tags: [HealthSetup.ReadyTag])</c>.</summary>
    public const string ReadyTag = "ready";

    public const string LivenessPath = "/healthz";

    public const string ReadinessPath = "/healthz/ready";

    public static WebApplicationBuilder AddSiteHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ContentHealthCheck>("content", tags: [ReadyTag]);
        return builder;
    }

    private static readonly HttpMethodMetadata ReadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    public static WebApplication MapSiteHealth(this WebApplication app)
    {
        // Both answer with Cache-Control: no-store (AllowCachingResponses is false), so no cache replays an old state,
        // and only to GET and HEAD: a probe reads, so anything else is a mistake and gets a 405.
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false }).WithMetadata(ReadOnly);
        app.MapHealthChecks(ReadinessPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteReportAsync,
        }).WithMetadata(ReadOnly);
        return app;
    }

    /// <summary>
    /// Status, description and data of each check. Exceptions are left out: their messages and stack traces are for
    /// the logs, not for anyone who can reach the endpoint.
    /// </summary>
    private static async Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteReport(json, report, detailed: IsFromThisMachine(context.Request));
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// The Docker health probe and an operator's curl come from loopback, with no proxy header. A visitor behind a
    /// trusted proxy has their own address here (ForwardedHeaders), and one behind a proxy on this machine that is not
    /// listed in ForwardedHeaders:KnownProxies still carries the proxy's X-Forwarded-For: neither counts as local.
    /// </summary>
    private static bool IsFromThisMachine(HttpRequest request) =>
        request.HttpContext.Connection.RemoteIpAddress is { } client && IPAddress.IsLoopback(client)
        && !request.Headers.ContainsKey("X-Forwarded-For") && !request.Headers.ContainsKey("Forwarded");

    private static void WriteReport(Utf8JsonWriter json, HealthReport report, bool detailed)
    {
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (!detailed)
            {
                json.WriteEndObject();
                continue;
            }

            json.WriteString("description", entry.Description);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteStartObject("data");
            foreach (var (key, value) in entry.Data)
            {
                json.WritePropertyName(key);
                JsonSerializer.Serialize(json, value, value.GetType());
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
