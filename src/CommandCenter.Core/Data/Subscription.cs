namespace CommandCenter.Core.Data;

/// <summary>What a Subscribe method returns: disposing it runs <c>dispose</c> once, however often it is disposed.</summary>
public sealed class Subscription(Action dispose) : IDisposable
{
    private int disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) dispose();
    }
}
