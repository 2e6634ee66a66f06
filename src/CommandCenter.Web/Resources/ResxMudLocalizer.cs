using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Resources;

/// <summary>Serves MudBlazor's component texts from our resources when we have them, else MudBlazor's English.</summary>
internal sealed class ResxMudLocalizer(IStringLocalizer<MudStrings> localizer) : MudLocalizer
{
    public override LocalizedString this[string key]
    {
        get
        {
            var ours = localizer[key];
            return ours.ResourceNotFound ? base[key] : ours;
        }
    }
}
