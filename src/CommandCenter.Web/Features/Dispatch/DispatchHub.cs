using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Features.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>What the hub pushes to a district's clients.</summary>
public interface IDispatchClient
{
    /// <summary>A numbered delivery (issued, recalled or escalated), at least once: ignore a seq already seen.</summary>
    Task Delivery(DeliveryMessage message);
}

/// <summary>The one way to name a hub group.</summary>
public static class DispatchGroups
{
    public static string District(string adcode) => $"district:{adcode}";
}

/// <summary>
/// Orders for district liaisons' browsers and district systems (official JS and .NET clients). Method names are a
/// public contract. On (re)connect a client calls <see cref="Resume"/> with the last seq it saw, then receives pushes.
/// </summary>
// Security: the district always comes from the signed-in liaison's claims, never from anything the client sends;
// Core checks every target against it again.
[Authorize(Policy = Policies.Liaison)]
public sealed class DispatchHub(DispatchService dispatch) : Hub<IDispatchClient>
{
    private const int ResumePage = 1000;

    public override async Task OnConnectedAsync()
    {
        var district = await GuardAsync(() => Task.FromResult(DispatchService.LiaisonDistrict(Scope)));
        await Groups.AddToGroupAsync(Context.ConnectionId, DispatchGroups.District(district), Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    /// <summary>Every delivery to this district after <paramref name="afterSeq"/> (0: all), in seq order.</summary>
    public Task<IReadOnlyList<DeliveryMessage>> Resume(long afterSeq) => GuardAsync<IReadOnlyList<DeliveryMessage>>(async () =>
    {
        var all = new List<DeliveryMessage>();
        while (true)
        {
            var page = await dispatch.DeliveriesAfterAsync(Scope, afterSeq, ResumePage, Context.ConnectionAborted);
            all.AddRange(page.Select(DeliveryMessage.From));
            if (page.Count < ResumePage) return all;
            afterSeq = page[^1].Seq;
        }
    });

    /// <summary>The client confirms it received the target's delivery (sent → delivered; otherwise nothing changes).</summary>
    public Task Received(long targetId) => GuardAsync(async () =>
    {
        await dispatch.ConfirmDeliveredAsync(Scope, Actor, ValidTarget(targetId), Context.ConnectionAborted);
        return true;
    });

    /// <summary>签收. Acknowledging again (a double click) is one acknowledgment.</summary>
    public Task<TargetMessage> Acknowledge(long targetId, string? comment) => GuardAsync(async () =>
        TargetMessage.From(await dispatch.AcknowledgeAsync(Scope, Actor, ValidTarget(targetId), comment, Context.ConnectionAborted)));

    /// <summary>A progress report; the same <paramref name="requestKey"/> again records it once.</summary>
    public Task<TargetMessage> Progress(long targetId, string text, Guid requestKey) => GuardAsync(async () =>
        TargetMessage.From(await dispatch.ReportProgressAsync(Scope, Actor, ValidTarget(targetId), text, ValidKey(requestKey), Context.ConnectionAborted)));

    /// <summary>The work is done; completing again changes nothing.</summary>
    public Task<TargetMessage> Complete(long targetId, string report, Guid requestKey) => GuardAsync(async () =>
        TargetMessage.From(await dispatch.CompleteAsync(Scope, Actor, ValidTarget(targetId), report, ValidKey(requestKey), Context.ConnectionAborted)));

    private AccessScope Scope => Context.User!.ToScope();

    private Actor Actor => Context.User!.ToActor(Context.GetHttpContext() is { } http ? IdentityEndpoints.Ip(http) : null);

    private static long ValidTarget(long targetId) =>
        targetId > 0 ? targetId : throw new DispatchValidationException(Refusals.BadRequest, "targetId must be a positive order target id.");

    // An empty key would be shared by every client, and the unique key would swallow all reports after the first.
    private static Guid ValidKey(Guid requestKey) =>
        requestKey != Guid.Empty ? requestKey : throw new DispatchValidationException(Refusals.BadRequest, "requestKey must be a new non-empty GUID per report.");

    /// <summary>Core's refusals reach the client as their message; anything else stays a generic hub error.</summary>
    private static async Task<T> GuardAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is DispatchRefusalException or AccessDeniedException)
        {
            throw new HubException(e.Message);
        }
    }
}
