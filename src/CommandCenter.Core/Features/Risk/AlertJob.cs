using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Risk;

/// <summary>
/// The alert engine on the leader node. It evaluates every <see cref="RiskOptions.EvaluateInterval"/> (on the
/// <see cref="TimeProvider"/>) and, sooner, when the bus brings readings from a feed (at once: a red reading must reach
/// the wall within seconds) or incident and order changes while the derived indicators are due. Wake-ups are
/// coalesced: at most one evaluation per <see cref="RiskOptions.WakeGap"/>.
/// </summary>
public sealed class AlertJob(AlertService alerts, EventBus bus, TimeProvider time, IOptions<RiskOptions> options, ILogger<AlertJob> logger) : ILeaderJob
{
    private readonly SemaphoreSlim wake = new(0, 1);
    private long engineFeed = -1;

    public string Name => "alerts";

    /// <summary>Evaluations completed since this node last started leading.</summary>
    public long Evaluations => Interlocked.Read(ref evaluations);

    private long evaluations;

    public async Task RunAsync(CancellationToken leadership)
    {
        var o = options.Value;
        alerts.Reset();
        Interlocked.Exchange(ref evaluations, 0);
        using var subscription = bus.Subscribe(OnEvents);
        while (!leadership.IsCancellationRequested)
        {
            var started = time.GetUtcNow();
            try
            {
                engineFeed = await alerts.EngineFeedIdAsync(leadership);
                var result = await alerts.EvaluateAsync(leadership);
                Interlocked.Increment(ref evaluations);
                if (result.ChangedAlertIds.Count > 0) logger.LogInformation("Risk alerts changed: {Alerts}", string.Join(", ", result.ChangedAlertIds));
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                logger.LogWarning(e, "Alert evaluation failed; retrying");
            }
            try
            {
                // Woken or not, wait out the gap so a burst of events is one evaluation.
                using var timeout = new CancellationTokenSource(o.EvaluateInterval, time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(leadership, timeout.Token);
                try { await wake.WaitAsync(either.Token); }
                catch (OperationCanceledException) when (!leadership.IsCancellationRequested) { }
                var rest = o.WakeGap - (time.GetUtcNow() - started);
                if (rest > TimeSpan.Zero) await Task.Delay(rest, time, leadership);
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>On the bus's thread: only decides whether to wake the loop.</summary>
    private void OnEvents(IReadOnlyList<BusEvent> events)
    {
        var due = alerts.DerivedDue(time.GetUtcNow());
        var wanted = events.Any(e =>
            e.Kind == BusKinds.ReadingsReceived && !(e.Ids.Count == 1 && e.Ids[0] == engineFeed)
            || due && (e.Kind.StartsWith(BusKinds.IncidentPrefix, StringComparison.Ordinal) || e.Kind == BusKinds.OrderChanged));
        if (wanted && wake.CurrentCount == 0)
        {
            try { wake.Release(); } catch (SemaphoreFullException) { }
        }
    }
}
