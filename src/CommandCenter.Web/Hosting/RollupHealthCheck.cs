using CommandCenter.Core.Features.Rollups;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>How far the rollups (what live screens read) are behind the committed incidents: degraded past a minute.</summary>
internal sealed class RollupHealthCheck(RollupStore rollups) : IHealthCheck
{
    private static readonly TimeSpan Tolerated = TimeSpan.FromMinutes(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var status = await rollups.StatusAsync(ct);
        var data = new Dictionary<string, object>
        {
            ["lagSeconds"] = Math.Round(status.Lag.TotalSeconds, 3),
            ["pendingEvents"] = status.PendingEvents,
            ["updatedAt"] = status.UpdatedAt?.ToString("O") ?? "",
        };
        return status.Lag <= Tolerated
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Degraded($"Rollups are {status.Lag.TotalSeconds:0} s behind.", data: data);
    }
}
