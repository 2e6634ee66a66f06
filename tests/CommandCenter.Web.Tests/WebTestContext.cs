using System.Globalization;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace CommandCenter.Web.Tests;

/// <summary>A bUnit context set up as MudBlazor's own suite does (loose JS interop), in a chosen UI culture.</summary>
public static class WebTestContext
{
    public static BunitContext Create(string culture = Cultures.Default)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        ctx.Services.AddLocalization();
        ctx.Services.AddTransient<MudLocalizer, ResxMudLocalizer>();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(culture);
        return ctx;
    }

    /// <summary>The app's texts of one resource (e.g. <see cref="DispatchStrings"/>) outside a component, in the current UI culture.</summary>
    public static IStringLocalizer<T> Localizer<T>() =>
        new StringLocalizer<T>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));
}
