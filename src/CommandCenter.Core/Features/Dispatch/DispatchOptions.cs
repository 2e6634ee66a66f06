using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Dispatch;

/// <summary>Section "Dispatch".</summary>
public sealed class DispatchOptions
{
    public const string Section = "Dispatch";

    /// <summary>The issuing office's prefix of the official number: 京指〔2026〕0001号.</summary>
    [Required, StringLength(10, MinimumLength = 1)]
    public string NumberPrefix { get; set; } = "京指";

    /// <summary>Time to acknowledge, per priority.</summary>
    public TimeSpan ExtraUrgentAck { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan UrgentAck { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan NormalAck { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How often the leader looks for targets past their acknowledgment SLA.</summary>
    public TimeSpan EscalationCheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An escalated target still unacknowledged is re-notified this often.</summary>
    public TimeSpan Renotify { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan AckSla(OrderPriority priority) => priority switch
    {
        OrderPriority.ExtraUrgent => ExtraUrgentAck,
        OrderPriority.Urgent => UrgentAck,
        _ => NormalAck,
    };
}
