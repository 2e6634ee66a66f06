using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Web.Features.Liaison;

/// <summary>One order as the district sees it: the order, this district's target, and its reports.</summary>
public sealed record InboxEntry(Order Order, OrderTarget Target, IReadOnlyList<OrderProgress> Reports);

/// <summary>
/// The district's orders in the inbox's three sections: waiting to be acknowledged (most urgent first), in progress
/// (nearest deadline first), and history (completed or recalled, newest first).
/// </summary>
public sealed record LiaisonInbox(IReadOnlyList<InboxEntry> Pending, IReadOnlyList<InboxEntry> Working, IReadOnlyList<InboxEntry> History)
{
    public const int HistoryLimit = 20;

    public InboxEntry? Find(long targetId) =>
        Pending.Concat(Working).Concat(History).FirstOrDefault(e => e.Target.Id == targetId);

    public static async Task<LiaisonInbox> LoadAsync(DispatchService dispatch, AccessScope scope, string district, CancellationToken ct = default)
    {
        // Every open order, however old, plus the recent ones for the history.
        var active = await dispatch.ListAsync(scope, activeOnly: true, limit: 500, ct: ct);
        var recent = await dispatch.ListAsync(scope, activeOnly: false, limit: 60, ct: ct);
        var pending = new List<InboxEntry>();
        var working = new List<(Order Order, OrderTarget Target)>();
        var history = new List<InboxEntry>();
        foreach (var order in active.Concat(recent).DistinctBy(o => o.Id))
        {
            if (order.Targets.FirstOrDefault(t => t.DistrictAdcode == district) is not { } target) continue;
            if (target.Unacknowledged && order.Status == OrderStatus.Active)
                pending.Add(new(order, target, []));
            else if (target.IsOpen && order.Status == OrderStatus.Active)
                working.Add((order, target));
            else
                history.Add(new(order, target, []));
        }
        // Reports only where they are shown in full (orders in progress), in one read.
        var reports = (await dispatch.ProgressAsync(scope, working.Select(w => w.Order.Id).ToList(), ct)).ToLookup(p => p.TargetId);
        return new(
            [.. pending.OrderBy(e => e.Order.AckDueAt).ThenBy(e => e.Order.Id)],
            [.. working.OrderBy(e => e.Order.DeadlineAt).ThenBy(e => e.Order.Id).Select(w => new InboxEntry(w.Order, w.Target, [.. reports[w.Target.Id]]))],
            [.. history.OrderByDescending(e => e.Target.CompletedAt ?? e.Order.ClosedAt ?? e.Target.UpdatedAt).Take(HistoryLimit)]);
    }
}
