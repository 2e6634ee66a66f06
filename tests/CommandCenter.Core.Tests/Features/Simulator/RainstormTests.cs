using CommandCenter.Core.Features.Simulator;
using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Tests.Features.Simulator;

public sealed class RainstormTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T02:00:00Z");

    private static Rainstorm Create(TimeSpan every, int seed = 12345) => new(Options.Create(new SimulatorOptions
    {
        Seed = seed, RainstormEvery = every, RainstormDuration = TimeSpan.FromMinutes(40), RainstormDistricts = 4,
    }));

    [Fact]
    public void Storm_Intensity_RampsUpHoldsAndRampsDown()
    {
        var storm = new Storm(T0, T0.AddMinutes(40), ["110105"]);

        Assert.Equal(
            [0, 0.5, 1, 1, 0.5, 0],
            new[] { -1, 5, 10, 25, 35, 40 }.Select(m => storm.IntensityAt(T0.AddMinutes(m))));
    }

    [Fact]
    public void Scheduled_EveryPeriod_OneStormInsideItSameForTheSameSeed()
    {
        var every = TimeSpan.FromHours(6);
        var a = Create(every);
        var b = Create(every);

        for (var period = 0; period < 8; period++)
        {
            var at = T0.AddHours(6 * period);
            var storm = a.Scheduled(at)!;
            var slotStart = new DateTimeOffset(at.UtcTicks / every.Ticks * every.Ticks, TimeSpan.Zero);
            Assert.InRange(storm.Start, slotStart, slotStart + every - TimeSpan.FromMinutes(40));
            Assert.Equal(TimeSpan.FromMinutes(40), storm.End - storm.Start);
            Assert.Equal(4, storm.Districts.Distinct().Count());
            var twin = b.Scheduled(storm.Start.AddMinutes(20))!;
            Assert.Equal(storm.Start, twin.Start);
            Assert.Equal(storm.Districts, twin.Districts);
        }
        Assert.Null(a.ActiveAt(a.Scheduled(T0)!.End));
        Assert.NotNull(a.ActiveAt(a.Scheduled(T0)!.Start.AddMinutes(20)));
    }

    [Fact]
    public void ActiveAt_StormsOff_OnlyATriggeredOne()
    {
        var rainstorm = Create(TimeSpan.Zero);
        Assert.Null(rainstorm.ActiveAt(T0));

        var storm = rainstorm.Trigger(T0, ["110101", "110102"]);

        Assert.Same(storm, rainstorm.ActiveAt(T0.AddMinutes(20)));
        Assert.Null(rainstorm.ActiveAt(T0.AddMinutes(40)));
    }
}
