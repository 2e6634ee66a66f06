using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Departments.Components;

/// <summary>The refusals an inbox action can meet, as text for the user; anything else is a fault and propagates.</summary>
public static class InboxErrors
{
    /// <returns>Null when <paramref name="action"/> succeeded, else the localized reason it did not.</returns>
    public static async Task<string?> TryAsync(Func<Task> action, IStringLocalizer<DepartmentStrings> l)
    {
        try
        {
            await action();
            return null;
        }
        catch (AssignmentStateException ex)
        {
            // Core's English message only for a code without a text.
            return l[$"Refusal.{ex.Code}"].Found() ?? l["Error.State", ex.Message];
        }
        catch (IncidentValidationException ex)
        {
            return l["Error.Validation", ex.Message];
        }
        catch (AccessDeniedException)
        {
            return l["Error.Denied"];
        }
    }
}
