using CommandCenter.Web.Components;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Web.Tests.Components;

public sealed class CoalescerTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider time = new();
    private int runs;

    private Coalescer Create(Func<Task>? action = null) => new(action ?? (() =>
    {
        Interlocked.Increment(ref runs);
        return Task.CompletedTask;
    }), Settle, Interval, time);

    [Fact]
    public async Task Signal_BurstOfAThousand_RunsOnceAfterTheSettle()
    {
        using var coalescer = Create();

        for (var i = 0; i < 1000; i++) coalescer.Signal();
        time.Advance(Settle - Ms);
        await Task.Delay(50);
        Assert.Equal(0, runs);
        time.Advance(Ms);

        await WaitForAsync(() => runs == 1);
        await Task.Delay(50);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Signal_SoonAfterARun_WaitsForTheInterval()
    {
        using var coalescer = Create();
        coalescer.Signal();
        time.Advance(Settle);
        await WaitForAsync(() => runs == 1);

        time.Advance(TimeSpan.FromMilliseconds(50));
        coalescer.Signal();
        time.Advance(Interval - TimeSpan.FromMilliseconds(50) - Ms);
        await Task.Delay(50);
        Assert.Equal(1, runs);
        time.Advance(Ms);

        await WaitForAsync(() => runs == 2);
    }

    [Fact]
    public async Task Signal_WhileRunning_RunsOnceMoreAfterwards()
    {
        var gate = new TaskCompletionSource();
        using var coalescer = Create(async () =>
        {
            Interlocked.Increment(ref runs);
            if (runs == 1) await gate.Task;
        });
        coalescer.Signal();
        time.Advance(Settle);
        await WaitForAsync(() => runs == 1);

        for (var i = 0; i < 5; i++) coalescer.Signal();
        gate.SetResult();
        time.Advance(Interval);

        await WaitForAsync(() => runs == 2);
        time.Advance(Interval * 3);
        await Task.Delay(50);
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Dispose_BeforeTheRun_NeverRuns()
    {
        var coalescer = Create();
        coalescer.Signal();

        coalescer.Dispose();
        time.Advance(Interval);
        await Task.Delay(50);

        Assert.Equal(0, runs);
        coalescer.Signal();
        time.Advance(Interval);
        await Task.Delay(50);
        Assert.Equal(0, runs);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 250 && !condition(); i++) await Task.Delay(20);
        Assert.True(condition(), "condition not met within 5 s");
    }
}
