using System.Text.Json;
using CommandCenter.Core.Features.Dispatch;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>One line of an order's timeline: who did what to which target, when, from where, with the words they wrote.</summary>
public sealed record TimelineLine(DateTimeOffset At, string Action, string Actor, string? Ip, long? TargetId, string? Text);

public static class OrderTimeline
{
    /// <summary>
    /// The audit (who, when, what, from where) and the progress reports (what was written) merged by time. A report's
    /// audit row and the report itself are one line (same target and time); a report without its audit row stands alone.
    /// </summary>
    public static IReadOnlyList<TimelineLine> Merge(IReadOnlyList<OrderHistoryEntry> history, IReadOnlyList<OrderProgress> progress)
    {
        var unmatched = progress.ToList();
        var lines = new List<(TimelineLine Line, int Order)>();
        foreach (var h in history)
        {
            string? text = null;
            if (h.Action is "progress" or "completed" && unmatched.FirstOrDefault(p => p.TargetId == h.TargetId && p.At == h.At) is { } report)
            {
                unmatched.Remove(report);
                text = report.Text;
            }
            lines.Add((new TimelineLine(h.At, h.Action, h.Actor, h.Ip, h.TargetId, text ?? Words(h.Detail)), lines.Count));
        }
        lines.AddRange(unmatched.Select(p => (new TimelineLine(p.At, p.Kind, p.Actor, null, p.TargetId, p.Text), lines.Count + (int)p.Id)));
        return lines.OrderBy(l => l.Line.At).ThenBy(l => l.Order).Select(l => l.Line).ToList();
    }

    /// <summary>What a person wrote, from the audit's JSON detail (a comment, a report); nothing else in it is shown.</summary>
    private static string? Words(string? detail)
    {
        if (string.IsNullOrWhiteSpace(detail)) return null;
        try
        {
            using var json = JsonDocument.Parse(detail);
            if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var key in new[] { "comment", "text", "report" })
                if (json.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s)
                    return s;
        }
        catch (JsonException)
        {
            // Not JSON: nothing to show.
        }
        return null;
    }
}
