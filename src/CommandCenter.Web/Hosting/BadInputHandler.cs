using CommandCenter.Web.Features.Intake;
using Microsoft.AspNetCore.Diagnostics;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// A body the framework cannot read (a form with a NUL or broken percent-encoding, a truncated upload) is the
/// client's error: 400 in the protocol's own error format (Open311's for Open311 calls), never a 500.
/// </summary>
internal sealed class BadInputHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var status = exception switch
        {
            InvalidDataException => StatusCodes.Status400BadRequest,
            BadHttpRequestException { StatusCode: >= 400 and < 500 } bad => bad.StatusCode,
            _ => 0,
        };
        if (status == 0 || http.Response.HasStarted) return false;
        const string detail = "The request body could not be read: check its encoding (UTF-8, percent-encoded form fields without NUL).";
        http.Response.StatusCode = status;
        // The middleware has already pointed the request at the error page; the client asked for the original path.
        var path = http.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? http.Request.Path.Value ?? "";
        if (path.StartsWith(Open311Api.Prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            await Open311Format.Error(Open311Format.FromPath(path), status, detail).ExecuteAsync(http);
            return true;
        }
        return await problems.TryWriteAsync(new()
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = "Bad request", Detail = detail },
        });
    }
}
