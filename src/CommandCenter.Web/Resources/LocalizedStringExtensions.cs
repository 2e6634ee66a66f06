using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Resources;

public static class LocalizedStringExtensions
{
    /// <summary>The text, or null when the resources have none for the key (the caller says something else then).</summary>
    public static string? Found(this LocalizedString text) => text.ResourceNotFound ? null : text.Value;
}
