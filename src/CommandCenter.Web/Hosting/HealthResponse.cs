using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>/healthz body: overall status and each check's status and duration (no error text: the endpoint is public).</summary>
internal static class HealthResponse
{
    public static Task WriteAsync(HttpContext http, HealthReport report) =>
        http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            totalMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                durationMs = e.Value.Duration.TotalMilliseconds,
                data = e.Value.Data.Count > 0 ? e.Value.Data : null,
            }),
        });
}
