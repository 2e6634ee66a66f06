using System.Globalization;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>How orders read on screen: a state is always an icon and a word (never a colour alone), a wait is a running clock.</summary>
public static class DispatchFormat
{
    /// <summary>A span as a clock, "04:07" or "1:04:07"; over a day, "2天 03:10" style is left to the caller's unit text.</summary>
    public static string Clock(TimeSpan span)
    {
        var s = span.Duration();
        var whole = (long)s.TotalSeconds;
        var (h, m, sec) = (whole / 3600, whole / 60 % 60, whole % 60);
        return h > 0 ? string.Create(CultureInfo.InvariantCulture, $"{h}:{m:D2}:{sec:D2}") : string.Create(CultureInfo.InvariantCulture, $"{m:D2}:{sec:D2}");
    }

    /// <summary>
    /// Why Core refused a request, in the reader's language ("Refusal.{code}" with its arguments); Core's English message
    /// only for a code without a text. An access refusal says only that.
    /// </summary>
    public static string Refusal(IStringLocalizer<DispatchStrings> l, Exception e) => e switch
    {
        DispatchRefusalException r => l[$"Refusal.{r.Code}", [.. r.Args]].Found() ?? e.Message,
        _ => l["Refusal.Denied"],
    };

    public static string StateIcon(TargetState state) => state switch
    {
        TargetState.Sent => Icons.Material.Filled.Send,
        TargetState.Delivered => Icons.Material.Filled.MarkEmailRead,
        TargetState.Acknowledged => Icons.Material.Filled.HowToReg,
        TargetState.InProgress => Icons.Material.Filled.Construction,
        TargetState.Completed => Icons.Material.Filled.TaskAlt,
        _ => Icons.Material.Filled.Undo,
    };

    /// <summary>The state's code as the database and the markup carry it ("in-progress").</summary>
    public static string StateCode(TargetState state) => IncidentCodes.Code(state);

    public static string PriorityCode(OrderPriority priority) => IncidentCodes.Code(priority);

    public static Color PriorityColor(OrderPriority priority) => priority switch
    {
        OrderPriority.ExtraUrgent => Color.Error,
        OrderPriority.Urgent => Color.Warning,
        _ => Color.Default,
    };
}
