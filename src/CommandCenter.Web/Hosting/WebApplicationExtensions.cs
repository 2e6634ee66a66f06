using CommandCenter.Core.Data;
using CommandCenter.Web.Components;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Features.Intake;
using CommandCenter.Web.Features.Org;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.StaticFiles;

namespace CommandCenter.Web.Hosting;

public static class WebApplicationExtensions
{
    /// <summary>
    /// Migrates the database and loads the city before serving. An unusable database is one clear log line
    /// (which server, what to do) and exit code 1, not a stack trace.
    /// </summary>
    public static async Task<bool> PrepareDatabaseAsync(this WebApplication app)
    {
        try
        {
            await app.Services.GetRequiredService<DatabaseStartup>().RunAsync(app.Lifetime.ApplicationStopping);
            return true;
        }
        catch (DatabaseUnavailableException ex)
        {
            app.Logger.LogCritical("{Message}", ex.Message);
            return false;
        }
    }

    public static WebApplication UseCommandCenterWeb(this WebApplication app)
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);

        app.UseRequestLocalization();
        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings[".geojson"] = "application/geo+json";
        // Only requests for files (a path with an extension): they carry no secrets, so compressing them is safe over HTTPS,
        // unlike pages that hold antiforgery tokens next to reflected input (BREACH).
        app.UseWhen(c => Path.HasExtension(c.Request.Path.Value), files => files.UseResponseCompression());
        app.UseStaticFiles(new StaticFileOptions { ContentTypeProvider = contentTypes });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous();
        app.MapGet("/culture/{culture}", SetCulture).AllowAnonymous();
        app.MapIdentityEndpoints();
        app.MapOrgApi();
        app.MapOpen311();
        app.MapReadingsApi();
        app.MapHub<DispatchHub>("/hubs/dispatch");
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Remembers the chosen UI language in the standard culture cookie and goes back (local URLs only).</summary>
    private static IResult SetCulture(string culture, string? redirect, HttpContext http)
    {
        if (!Cultures.Supported.Contains(culture))
            return TypedResults.Problem($"Unsupported culture '{culture}'. Use one of: {string.Join(", ", Cultures.Supported)}.",
                statusCode: StatusCodes.Status400BadRequest);

        http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });

        return TypedResults.LocalRedirect(LocalUrls.OrHome(redirect));
    }
}
