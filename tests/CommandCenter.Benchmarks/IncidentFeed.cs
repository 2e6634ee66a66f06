using System.Diagnostics;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;

namespace CommandCenter.Benchmarks;

/// <summary>One incident reported through <see cref="IncidentService.ReportAsync"/>, with the wall-clock times around the call.</summary>
/// <param name="Called">Just before the call (an upper bound on how early the commit can be).</param>
/// <param name="Returned">Just after the call returned: the commit plus one read of the row back.</param>
public sealed record FedIncident(Incident Incident, DateTimeOffset Called, DateTimeOffset Returned);

/// <summary>Reports incidents through the real use case at a steady rate (or as fast as it can), from several writers.</summary>
public static class IncidentFeed
{
    /// <summary>
    /// Reports <paramref name="count"/> incidents made from <paramref name="samples"/>; <paramref name="perSecond"/> null is as
    /// fast as the writers go. <paramref name="returned"/> is called on the writer's thread as each call returns.
    /// </summary>
    public static async Task<IReadOnlyList<FedIncident>> ReportAsync(
        IncidentService service, IReadOnlyList<BulkIncident> samples, int count, double? perSecond, int writers, CancellationToken ct,
        Action<FedIncident>? returned = null)
    {
        var fed = new FedIncident[count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (int n; (n = Interlocked.Increment(ref next)) < count;)
            {
                if (perSecond is { } rate && TimeSpan.FromSeconds(n / rate) - clock.Elapsed is { } wait && wait > TimeSpan.Zero)
                    await Task.Delay(wait, ct);
                var s = samples[n % samples.Count];
                var called = DateTimeOffset.UtcNow;
                var incident = await service.ReportAsync(Actor.System,
                    new NewIncident(IncidentSource.Simulator, s.ServiceCode, s.Description, s.Point, StreetCode: s.StreetCode, Address: s.Address), ct);
                fed[n] = new FedIncident(incident, called, DateTimeOffset.UtcNow);
                returned?.Invoke(fed[n]);
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        return fed;
    }
}
