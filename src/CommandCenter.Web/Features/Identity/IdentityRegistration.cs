using System.Threading.RateLimiting;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Features.Intake;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using System.Security.Claims;

namespace CommandCenter.Web.Features.Identity;

public static class IdentityRegistration
{
    public const string ApiRateLimit = "api-client";

    /// <summary>Cookie sign-in for people and wall devices, API keys for machines, policies, shared keys, per-client rate limits.</summary>
    public static IServiceCollection AddCommandCenterIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        // One key ring in PostgreSQL for every node: restarts and second nodes keep cookies and forms valid.
        services.AddDataProtection().SetApplicationName("CommandCenter");
        services.AddOptions<KeyManagementOptions>()
            .Configure<DataProtectionKeyStore>((o, store) => o.XmlRepository = store);

        services.AddMemoryCache();
        services.AddSingleton<SessionCheck>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingAuthStateProvider>();

        var authentication = services.AddAuthentication(AuthSchemes.Cookie)
            .AddCookie(AuthSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(AuthSchemes.ApiKey, null);
        var sso = configuration.GetSection(OpenIdConnectSettings.Section).Get<OpenIdConnectSettings>() ?? new();
        services.AddSingleton(sso);
        if (sso.Enabled)
            authentication.AddOpenIdConnect(AuthSchemes.OpenIdConnect, o => ConfigureOpenIdConnect(o, sso));
        services.AddOptions<CookieAuthenticationOptions>(AuthSchemes.Cookie)
            .Configure<IOptions<AccountOptions>>((o, account) =>
            {
                o.Cookie.Name = "cc.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/login";
                o.AccessDeniedPath = "/access-denied";
                o.ReturnUrlParameter = "returnUrl";
                o.ExpireTimeSpan = account.Value.SessionIdleTimeout;
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = async ctx =>
                {
                    if (ctx.Principal is null || !await ctx.HttpContext.RequestServices.GetRequiredService<SessionCheck>().IsValidAsync(ctx.Principal))
                    {
                        ctx.RejectPrincipal();
                        await ctx.HttpContext.SignOutAsync(AuthSchemes.Cookie);
                    }
                };
                // APIs answer with status codes, never with a redirect to the sign-in page.
                o.Events.OnRedirectToLogin = ctx => RedirectOrStatus(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => RedirectOrStatus(ctx, StatusCodes.Status403Forbidden);
            });

        services.AddAuthorization(Policies.Add);

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (ctx, _) =>
            {
                if (ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                    ctx.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString();
                return Open311Api.IsOpen311(ctx.HttpContext)
                    ? new ValueTask(Open311Format.Error(Open311Format.FromPath(ctx.HttpContext.Request.Path), StatusCodes.Status429TooManyRequests,
                        "Too many requests from this API key; retry after the time in Retry-After.").ExecuteAsync(ctx.HttpContext))
                    : ValueTask.CompletedTask;
            };
            o.AddPolicy(ApiRateLimit, http => http.User.KindOf() == CommandCenterClaims.ApiClientKind
                && int.TryParse(http.User.FindFirst(CommandCenterClaims.RateLimit)?.Value, out var perMinute)
                ? RateLimitPartition.GetFixedWindowLimiter($"{http.User.IdOf()}:{perMinute}", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("people"));
        });
        return services;
    }

    private static void ConfigureOpenIdConnect(OpenIdConnectOptions o, OpenIdConnectSettings sso)
    {
        o.SignInScheme = AuthSchemes.Cookie;
        o.Authority = sso.Authority;
        o.ClientId = sso.ClientId;
        o.ClientSecret = sso.ClientSecret;
        o.RequireHttpsMetadata = sso.RequireHttpsMetadata;
        o.ResponseType = "code";
        o.UsePkce = true;
        o.MapInboundClaims = false;
        o.CallbackPath = "/signin-oidc";
        o.Scope.Clear();
        foreach (var scope in sso.Scopes) o.Scope.Add(scope);
        // The external identity becomes a local account: same claims, scope checks and revocation as everyone else.
        o.Events.OnTokenValidated = async ctx =>
        {
            var admin = ctx.HttpContext.RequestServices.GetRequiredService<IdentityAdminService>();
            try
            {
                var (subject, draft) = sso.ToDraft(ctx.Principal!);
                var user = await admin.ProvisionExternalUserAsync(new Actor("sso", IdentityEndpoints.Ip(ctx.HttpContext)), subject, draft, ctx.HttpContext.RequestAborted);
                if (user is null) { ctx.Fail("This account is disabled."); return; }
                ctx.Principal = new ClaimsPrincipal(CommandCenterClaims.ForUser(user, AuthSchemes.Cookie));
            }
            catch (IdentityValidationException e)
            {
                ctx.Fail(e.Message);
            }
        };
        o.Events.OnRemoteFailure = ctx =>
        {
            ctx.Response.Redirect("/login?sso=failed");
            ctx.HandleResponse();
            return Task.CompletedTask;
        };
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        // Machines (APIs, and district systems on the dispatch hub) get a status; browsers on pages get a redirect.
        if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/open311") || ctx.Request.Path.StartsWithSegments("/hubs"))
            ctx.Response.StatusCode = status;
        else
            ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
