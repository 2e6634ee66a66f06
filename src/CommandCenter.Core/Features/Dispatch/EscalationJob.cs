using CommandCenter.Core.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Features.Dispatch;

/// <summary>Runs on the leader node: every <see cref="DispatchOptions.EscalationCheck"/> (on the <see cref="TimeProvider"/>) it escalates unacknowledged orders.</summary>
public sealed class EscalationJob(DispatchService dispatch, TimeProvider time, IOptions<DispatchOptions> options, ILogger<EscalationJob> logger) : ILeaderJob
{
    public string Name => "escalation";

    public Task RunAsync(CancellationToken leadership) => LeaderLoop.EveryAsync(options.Value.EscalationCheck, time, async ct =>
    {
        if (await dispatch.EscalateDueAsync(ct) is > 0 and var n)
            logger.LogInformation("Escalated {Count} unacknowledged order targets", n);
    }, logger, leadership);
}
