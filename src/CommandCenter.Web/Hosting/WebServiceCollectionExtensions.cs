using System.Text.Encodings.Web;
using System.Text.Unicode;
using CommandCenter.Core;
using CommandCenter.Core.Data;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;
using MudBlazor;
using MudBlazor.Services;
using Npgsql;

namespace CommandCenter.Web.Hosting;

public static class WebServiceCollectionExtensions
{
    /// <summary>The web host's services: Core, Blazor + MudBlazor, localization, health checks.</summary>
    public static IServiceCollection AddCommandCenterWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCommandCenterCore();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // Chinese text is sent as text, not as &#x...; entities (smaller pages, readable source).
        services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        services.AddTransient<MudLocalizer, ResxMudLocalizer>();

        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Cultures.Default).AddSupportedCultures(Cultures.Supported).AddSupportedUICultures(Cultures.Supported);
            // The cookie set by the culture switch decides; the browser's Accept-Language does not (zh-CN is the default).
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });

        // Static files (scripts, styles, geo data) go out compressed; see UseCommandCenterWeb for why only those.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/geo+json", "image/svg+xml"]);
        });

        services.AddCommandCenterIdentity(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<AccessDeniedHandler>();
        services.AddExceptionHandler<BadInputHandler>();

        services.AddSignalR();
        services.AddHostedService<DispatchPusher>();
        services.AddSingleton<OrderBoard>();
        services.AddHostedService(sp => sp.GetRequiredService<OrderBoard>());

        services.AddHealthChecks().AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(), name: "postgresql", tags: ["db"])
            .AddCheck<RollupHealthCheck>("rollups");
        return services;
    }
}
