using System.Globalization;

namespace CommandCenter.Web.Components;

/// <summary>
/// The culture a component was created in. A render triggered from a timer or the event bus runs on a thread
/// without the circuit's culture, and would format dates (星期五 → Friday) and pick texts in the wrong language:
/// wrap such work with <see cref="Wrap(Func{Task})"/>. Create it as a field, so it captures the circuit's culture.
/// </summary>
internal sealed class CircuitCulture
{
    private readonly CultureInfo culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo uiCulture = CultureInfo.CurrentUICulture;

    public Func<Task> Wrap(Func<Task> work) => () =>
    {
        Apply();
        return work();
    };

    public Action Wrap(Action work) => () =>
    {
        Apply();
        work();
    };

    /// <summary>
    /// Runs <paramref name="work"/> through the component's <c>InvokeAsync</c> in this culture; a circuit that went away
    /// meanwhile (or a component stopping) is nothing to do.
    /// </summary>
    public async Task RunAsync(Func<Func<Task>, Task> invoke, Func<Task> work, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested) return;
        try
        {
            await invoke(Wrap(work));
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            // The circuit went away between the tick and the render.
        }
    }

    private void Apply()
    {
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = uiCulture;
    }
}
