using CommandCenter.Core.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Dispatch;

/// <summary>Runs on the leader node: every <see cref="DispatchOptions.EscalationCheck"/> (on the <see cref="TimeProvider"/>) it escalates unacknowledged orders.</summary>
public sealed class EscalationJob(DispatchService dispatch, TimeProvider time, IOptions<DispatchOptions> options, ILogger<EscalationJob> logger) : ILeaderJob
{
    public string Name => "escalation";

    public async Task RunAsync(CancellationToken leadership)
    {
        while (!leadership.IsCancellationRequested)
        {
            try
            {
                if (await dispatch.EscalateDueAsync(leadership) is > 0 and var n)
                    logger.LogInformation("Escalated {Count} unacknowledged order targets", n);
                await Task.Delay(options.Value.EscalationCheck, time, leadership);
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                logger.LogWarning(e, "Escalation check failed; retrying");
                await Task.Delay(options.Value.EscalationCheck, time, leadership).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
