using System.Security.Claims;
using System.Text.Encodings.Web;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Features.Intake;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Identity;

/// <summary>
/// API clients authenticate with <c>X-Api-Key</c> (or Open311's <c>api_key</c> query/form field). No key: 401.
/// A key that is unknown or revoked: 403, as Open311 specifies.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignInService signIn)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HeaderName = "X-Api-Key";
    private const string RejectedKey = "cc:api-key-rejected";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[HeaderName];
        key ??= Request.Query["api_key"];
        if (key is null && Request.HasFormContentType)
            key = (await Request.ReadFormAsync(Context.RequestAborted))["api_key"];
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();

        var (status, client) = await signIn.AuthenticateApiKeyAsync(key, Context.RequestAborted);
        if (status != ApiKeyStatus.Valid || client is null)
        {
            Context.Items[RejectedKey] = status;
            return AuthenticateResult.Fail(status == ApiKeyStatus.Revoked ? "The API key was revoked." : "The API key is not valid.");
        }
        var principal = new ClaimsPrincipal(CommandCenterClaims.ForApiClient(client, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.Items.ContainsKey(RejectedKey)
            ? Problem(StatusCodes.Status403Forbidden, "The API key is not valid or was revoked.")
            : Problem(StatusCodes.Status401Unauthorized, $"Send an API key in the {HeaderName} header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "This API client may not use this endpoint.");

    private Task Problem(int status, string detail)
    {
        if (Response.HasStarted) return Task.CompletedTask;
        Response.StatusCode = status;
        Response.Headers.Remove("Location");
        // Open311 clients expect the spec's error body, and 403 for a missing key as for a bad one.
        if (Open311Api.IsOpen311(Context))
            return Open311Format.Error(Open311Format.FromPath(Request.Path), StatusCodes.Status403Forbidden,
                status == StatusCodes.Status401Unauthorized ? "api_key is required." : detail).ExecuteAsync(Context);
        return Results.Problem(detail, statusCode: status).ExecuteAsync(Context);
    }
}
