using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Data;

/// <summary>Work that must run on exactly one node of the cluster (simulator, rollup upkeep, escalation timers).</summary>
public interface ILeaderJob
{
    string Name { get; }

    /// <summary>Runs while this node leads; the token is cancelled when leadership is lost or the app stops.</summary>
    Task RunAsync(CancellationToken leadership);
}

/// <summary>The loop of a leader job that works on a timer.</summary>
public static class LeaderLoop
{
    /// <summary>
    /// Runs <paramref name="work"/> now and every <paramref name="interval"/> (on <paramref name="time"/>) until leadership
    /// ends. A database failure is logged and tried again at the next interval.
    /// </summary>
    public static async Task EveryAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> work, ILogger logger, CancellationToken leadership)
    {
        while (!leadership.IsCancellationRequested)
        {
            try
            {
                await work(leadership);
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                logger.LogWarning(e, "Leader job failed; retrying in {Interval}", interval);
            }
            await Task.Delay(interval, time, leadership).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

/// <summary>Section "Leadership".</summary>
public sealed class LeadershipOptions
{
    public const string Section = "Leadership";

    /// <summary>How often a follower tries to take the lead, and the leader checks it still holds it.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Chooses one leader per cluster with a PostgreSQL session advisory lock held on a dedicated connection. When
/// the leader dies its session ends, the lock is released, and another node takes over within one interval.
/// </summary>
public sealed class Leadership(NpgsqlDataSource dataSource, IEnumerable<ILeaderJob> jobs, IOptions<LeadershipOptions> options, ILogger<Leadership> logger)
    : BackgroundService
{
    private const long LockKey = 0x43434C454144; // "CCLEAD"
    private volatile bool isLeader;

    public bool IsLeader => isLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested && !await TryLockAsync(conn, stoppingToken))
                    await Task.Delay(interval, stoppingToken);
                await LeadAsync(conn, interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                logger.LogWarning(e, "Leadership connection failed; trying again");
                await Task.Delay(interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task LeadAsync(NpgsqlConnection conn, TimeSpan interval, CancellationToken stoppingToken)
    {
        using var lead = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        isLeader = true;
        logger.LogInformation("This node leads the cluster; starting {Jobs}", string.Join(", ", jobs.Select(j => j.Name)));
        var running = jobs.Select(j => RunJobAsync(j, lead.Token)).ToList();
        try
        {
            // The lock lives as long as this session: keep checking the session is alive.
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, stoppingToken);
                await using var ping = new NpgsqlCommand("select 1", conn);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
        finally
        {
            isLeader = false;
            await lead.CancelAsync();
            await Task.WhenAll(running);
            logger.LogInformation("This node no longer leads the cluster");
        }
    }

    private async Task RunJobAsync(ILeaderJob job, CancellationToken leadership)
    {
        try
        {
            await job.RunAsync(leadership);
        }
        catch (OperationCanceledException) when (leadership.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Leader job {Job} failed", job.Name);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select pg_try_advisory_lock({LockKey})", conn);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
