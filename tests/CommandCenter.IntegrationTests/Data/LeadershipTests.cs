using CommandCenter.Core.Data;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.IntegrationTests.Data;

public sealed class LeadershipTests : StartedCore
{
    [Fact]
    public async Task TwoNodes_OneLeads_OtherTakesOverWhenTheLeaderDies()
    {
        // Each node gets its own data source, as separate processes would.
        await using var sourceA = NpgsqlDataSource.Create(Db.ConnectionString);
        await using var sourceB = NpgsqlDataSource.Create(Db.ConnectionString);
        var jobA = new CountingJob();
        var jobB = new CountingJob();
        var a = Node(sourceA, jobA);
        var b = Node(sourceB, jobB);
        await a.StartAsync(default);
        await WaitUntilAsync(() => a.IsLeader, "node A did not take the lead");
        await b.StartAsync(default);
        await Task.Delay(TimeSpan.FromMilliseconds(600)); // several of B's attempts

        Assert.False(b.IsLeader);
        Assert.True(jobA.Running);
        Assert.False(jobB.Running);

        // Node A dies: its session ends (as when the process is killed).
        await using (var admin = new NpgsqlConnection(Db.ConnectionString))
            await admin.ExecuteAsync("select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())");

        await WaitUntilAsync(() => b.IsLeader && jobB.Running, "node B did not take over");
        await WaitUntilAsync(() => !jobA.Running, "node A's job kept running after it lost the lead");
        await a.StopAsync(default);
        await b.StopAsync(default);
        Assert.False(jobB.Running);
    }

    private static Leadership Node(NpgsqlDataSource source, ILeaderJob job) =>
        new(source, [job], Options.Create(new LeadershipOptions { Interval = TimeSpan.FromMilliseconds(100) }), NullLogger<Leadership>.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }

    private sealed class CountingJob : ILeaderJob
    {
        private int running;
        public string Name => "counting";
        public bool Running => Volatile.Read(ref running) == 1;

        public async Task RunAsync(CancellationToken leadership)
        {
            Volatile.Write(ref running, 1);
            try { await Task.Delay(Timeout.Infinite, leadership); }
            finally { Volatile.Write(ref running, 0); }
        }
    }
}
