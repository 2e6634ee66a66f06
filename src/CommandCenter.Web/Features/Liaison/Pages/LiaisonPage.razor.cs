using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Liaison.Pages;

/// <summary>
/// 区联络员收件箱: the district's orders to acknowledge (签收), report on and complete. Every action is a form POST that
/// is safe to repeat, answered with a redirect (post-redirect-get); a refused one shows its reason beside the form and
/// keeps what was typed.
/// </summary>
public partial class LiaisonPage
{
    [Inject] private DispatchService Dispatch { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IStringLocalizer<LiaisonStrings> L { get; set; } = default!;
    [Inject] private IStringLocalizer<DispatchStrings> D { get; set; } = default!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm] private TargetInput? Input { get; set; }

    /// <summary>The action that just succeeded (<see cref="TargetInput.Action"/>), for its confirmation.</summary>
    [SupplyParameterFromQuery] private string? Done { get; set; }

    [SupplyParameterFromQuery(Name = "target")] private long? DoneTarget { get; set; }

    private AccessScope scope = new(new HashSet<string>());
    private Actor actor = Actor.System;
    private string? district;
    private LiaisonNames? names;
    private LiaisonInbox? inbox;
    private DateTimeOffset now;
    private (long TargetId, string Message)? failure;

    protected override async Task OnInitializedAsync()
    {
        Input ??= new();
        scope = HttpContext.User.ToScope();
        actor = HttpContext.User.ToActor(IdentityEndpoints.Ip(HttpContext));
        district = scope.DistrictAdcode;
        if (district is null) return;
        names = await LiaisonNames.LoadAsync(Org, district, (actor.Name, HttpContext.User.DisplayName()));
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        now = Clock.UtcNow;
        inbox = await LiaisonInbox.LoadAsync(Dispatch, scope, district!);
    }

    private async Task SubmitAsync(long targetId)
    {
        var input = Input ?? new();
        var error = await TryAsync(targetId, input);
        if (error is null)
        {
            Navigation.NavigateTo($"liaison?done={input.Action}&target={targetId}#target-{targetId}");
            return;
        }
        await LoadAsync();
        failure = (targetId, error);
    }

    /// <returns>Null when done, else the reason for the liaison; anything else is a fault and propagates.</returns>
    private async Task<string?> TryAsync(long targetId, TargetInput input)
    {
        try
        {
            switch (input.Action)
            {
                case TargetInput.Acknowledge:
                    var comment = input.Comment?.Trim();
                    if (comment?.Length > TargetInput.CommentMax) return L["Form.TooLong", TargetInput.CommentMax];
                    await Dispatch.AcknowledgeAsync(scope, actor, targetId, comment);
                    return null;
                case TargetInput.Progress or TargetInput.Complete:
                    var text = input.Text?.Trim() ?? "";
                    if (text.Length == 0) return L["Form.ReportRequired"];
                    if (text.Length > TargetInput.TextMax) return L["Form.TooLong", TargetInput.TextMax];
                    if (input.Action == TargetInput.Progress)
                        await Dispatch.ReportProgressAsync(scope, actor, targetId, text, input.ProgressKey);
                    else
                        await Dispatch.CompleteAsync(scope, actor, targetId, text, input.CompleteKey);
                    return null;
                default:
                    return L["Error.Validation", input.Action ?? ""];
            }
        }
        catch (DispatchValidationException ex)
        {
            return L["Error.Validation", DispatchFormat.Refusal(D, ex)];
        }
        catch (AccessDeniedException)
        {
            return L["Error.Denied"];
        }
        catch (OrderStateException ex)
        {
            // The target's state as it is now says it best (it may have moved on since the page was drawn).
            var orderId = inbox?.Find(targetId)?.Order.Id ?? 0;
            var current = (await Dispatch.GetAsync(scope, orderId))?.Targets.FirstOrDefault(t => t.Id == targetId);
            return current?.State switch
            {
                TargetState.Recalled => L["Error.Recalled"],
                TargetState.Completed => L["Error.Closed"],
                TargetState.Sent or TargetState.Delivered => L["Error.AckFirst"],
                _ => L["Error.State", DispatchFormat.Refusal(D, ex)],
            };
        }
    }

    private TargetInput? PostedFor(InboxEntry entry) => failure?.TargetId == entry.Target.Id ? Input : null;

    private string? ErrorFor(InboxEntry entry) => failure?.TargetId == entry.Target.Id ? failure.Value.Message : null;

    private string? DoneFor(InboxEntry entry) =>
        failure is null && DoneTarget == entry.Target.Id && Done is TargetInput.Acknowledge or TargetInput.Progress or TargetInput.Complete ? Done : null;
}
