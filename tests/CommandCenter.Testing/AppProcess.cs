using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace CommandCenter.Testing;

/// <summary>
/// The real built web app (<c>src/CommandCenter.Web/bin/&lt;Configuration&gt;</c>) running as a child process
/// on a free loopback port, for end-to-end tests. Its console output is kept for failure messages.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly StringBuilder output = new();

    /// <summary>The app's process id (benchmarks read its CPU time).</summary>
    public int ProcessId => process.Id;

    private AppProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>For example <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The last part of the output, sized for an exception message.</summary>
    public string OutputTail
    {
        get
        {
            var text = Output;
            return text.Length <= 8000 ? text : "…" + text[^8000..];
        }
    }

    /// <summary>The build configuration of the test binaries; <c>dotnet test</c> builds the app in the same one.</summary>
    public static string Configuration =>
        typeof(AppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
#if DEBUG
        ?? "Debug";
#else
        ?? "Release";
#endif

    public static string AppDllPath =>
        Path.Combine(RepoPaths.Root, "src", "CommandCenter.Web", "bin", Configuration, "net10.0", "CommandCenter.Web.dll");

    /// <summary>Starts the app against <paramref name="connectionString"/> and waits until <c>/healthz</c> answers 200.</summary>
    /// <param name="baseUrl">Where to listen (a restart that browsers must find again); by default a free loopback port.</param>
    public static async Task<AppProcess> StartAsync(
        string connectionString,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default,
        string? baseUrl = null)
    {
        var dll = AppDllPath;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException(
                $"{dll} does not exist: build src/CommandCenter.Web with -c {Configuration} (dotnet test does).");
        }

        baseUrl ??= $"http://127.0.0.1:{FreePort()}";
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        startInfo.ArgumentList.Add("--urls");
        startInfo.ArgumentList.Add(baseUrl);
        startInfo.Environment.Remove("ASPNETCORE_URLS");
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["ConnectionStrings__CommandCenter"] = connectionString;
        // Tests create the incidents they look at; the demo simulator would flood them (a caller may turn it on).
        startInfo.Environment["Simulator__Enabled"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        var app = new AppProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true }, baseUrl);
        app.process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app.process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();

        try
        {
            await app.WaitUntilHealthyAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Never started, or already gone.
        }
        process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        string last = "no answer yet";
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The app exited with code {process.ExitCode} before /healthz answered.\n{OutputTail}");
            }
            try
            {
                using var response = await http.GetAsync("/healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        throw new TimeoutException(
            $"{BaseUrl}/healthz did not answer 200 within {StartTimeout.TotalSeconds:0} s (last: {last}).\n{OutputTail}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
