namespace CommandCenter.Web.Components;

/// <summary>
/// Turns a stream of signals into few runs of an action: the first signal after a quiet spell runs it after
/// <c>settle</c> (so a burst is one run), and never sooner than <c>interval</c> after the previous run started. A
/// signal that arrives while the action runs schedules one more run, so the last change is never missed.
/// <see cref="Signal"/> is cheap and thread-safe: call it from an event bus handler.
/// </summary>
public sealed class Coalescer(Func<Task> action, TimeSpan settle, TimeSpan interval, TimeProvider time) : IDisposable
{
    private readonly Lock gate = new();
    private bool scheduled, disposed;
    private DateTimeOffset lastRun = DateTimeOffset.MinValue;

    public void Signal()
    {
        lock (gate)
        {
            if (scheduled || disposed) return;
            scheduled = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        var now = time.GetUtcNow();
        var due = lastRun == DateTimeOffset.MinValue || now + settle > lastRun + interval ? now + settle : lastRun + interval;
        await Task.Delay(due - now, time);
        lock (gate)
        {
            if (disposed) return;
            // Cleared before the run: a signal during it means the run may have missed that change.
            scheduled = false;
            lastRun = time.GetUtcNow();
        }
        try
        {
            await action();
        }
        catch (ObjectDisposedException) when (disposed)
        {
            // The owner went away while the run was on its way.
        }
    }

    public void Dispose()
    {
        lock (gate) disposed = true;
    }
}
