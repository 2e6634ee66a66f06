using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Web.Features.Dispatch;

/// <summary>Who issues from this circuit: the console cascades it to every Dispatch button (the address comes from the prerender request).</summary>
public sealed record Commander(AccessScope Scope, Actor Actor)
{
    public bool CanIssue => Scope.Has(Roles.Commander);
}
