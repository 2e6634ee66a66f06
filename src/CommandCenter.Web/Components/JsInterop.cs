using Microsoft.JSInterop;

namespace CommandCenter.Web.Components;

/// <summary>Interop calls that may race with the page going away (navigation, closed circuit).</summary>
internal static class JsInterop
{
    /// <summary>
    /// Runs <paramref name="call"/>, treating "the page or circuit is gone" as nothing to do, and a script error in a
    /// library (a chart, the map) as a failed call: an unattended wall must not lose its circuit to a drawing error.
    /// </summary>
    public static async Task<bool> TryAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or ObjectDisposedException or JSException)
        {
            return false;
        }
    }

    /// <summary>Releases an interop object, ignoring a browser that has already dropped it.</summary>
    public static async ValueTask DisposeQuietlyAsync(IJSObjectReference? handle, string? disposeMethod = "dispose")
    {
        if (handle is null) return;
        await TryAsync(async () =>
        {
            if (disposeMethod is not null) await handle.InvokeVoidAsync(disposeMethod);
        });
        await TryAsync(async () => await handle.DisposeAsync());
    }
}
