using CommandCenter.Core.Features.Identity;
using Microsoft.AspNetCore.Diagnostics;

namespace CommandCenter.Web.Hosting;

/// <summary>Core's "outside your scope" becomes 403 with a problem body, wherever it is thrown.</summary>
internal sealed class AccessDeniedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not AccessDeniedException denied) return false;
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return await problems.TryWriteAsync(new()
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = denied.Message },
        });
    }
}
