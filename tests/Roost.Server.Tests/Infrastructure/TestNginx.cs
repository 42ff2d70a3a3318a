using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Roost.Testing;

namespace Roost.Server.Tests.Infrastructure;

/// <summary>
/// Debian's nginx (ROOST_TEST_NGINX, set by test.sh) in front of one instance, in a single process with its own prefix
/// folder, on a free loopback port below 32768, configured with the location blocks of docs/operations.md.
/// </summary>
public sealed class TestNginx : IAsyncDisposable
{
    public const string Variable = "ROOST_TEST_NGINX";
    private readonly Process _process;
    private readonly TempDirectory _prefix;
    private readonly StringBuilder _output = new();

    private TestNginx(Process process, TempDirectory prefix, Uri baseAddress)
    {
        (_process, _prefix, BaseAddress) = (process, prefix, baseAddress);
    }

    public Uri BaseAddress { get; }

    public static async Task<TestNginx> StartAsync(Uri upstream, string mediaDirectory, string internalPrefix)
    {
        var binary = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException($"{Variable} is not set: run the tests with ./test.sh, which provides Debian's nginx.");
        // A port taken between the check and nginx's bind makes nginx exit: try another, a bounded number of times.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var prefix = new TempDirectory();
            var configuration = Path.Combine(prefix.Path, "nginx.conf");
            await File.WriteAllTextAsync(configuration, Configuration(prefix.Path, port, upstream, mediaDirectory, internalPrefix));
            var info = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[] { "-p", prefix.Path, "-c", configuration, "-e", "stderr" })
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)!;
            var nginx = new TestNginx(process, prefix, new Uri($"http://127.0.0.1:{port}"));
            process.ErrorDataReceived += (_, e) => nginx.Append(e.Data);
            process.OutputDataReceived += (_, e) => nginx.Append(e.Data);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (await nginx.ListeningAsync(port))
            {
                return nginx;
            }

            var output = nginx.Output;
            await nginx.DisposeAsync();
            if (attempt >= 4)
            {
                throw new InvalidOperationException($"nginx did not start: {output}");
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeoutExtensions.Limit);
        _process.Dispose();
        _prefix.Dispose();
    }

    private static string Configuration(string prefix, int port, Uri upstream, string mediaDirectory, string internalPrefix)
    {
        // Run as root, nginx's workers would drop to nobody, who cannot read the server's 0600 media files.
        var user = Environment.UserName == "root" ? "user root;" : "";
        var temporary = string.Join('\n', new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" }.Select(t => $"{t}_temp_path {prefix}/{t};"));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process off;
            {{user}}
            pid {{prefix}}/nginx.pid;
            error_log stderr warn;
            events { worker_connections 64; }
            http {
                access_log off;
                {{temporary}}
                server {
                    listen 127.0.0.1:{{port}};
                    location / {
                        proxy_pass {{upstream.GetLeftPart(UriPartial.Authority)}};
                        proxy_http_version 1.1;
                        proxy_set_header Host $host;
                        client_max_body_size 0;
                        proxy_request_buffering off;
                    }
                    location {{internalPrefix}} {
                        internal;
                        alias {{Path.GetFullPath(mediaDirectory).TrimEnd('/')}}/;
                        add_header X-Content-Type-Options nosniff always;
                        add_header Content-Security-Policy "default-src 'none'; sandbox" always;
                    }
                }
            }
            """);
    }

    private static int FreePort()
    {
        for (var port = 23000 + Random.Shared.Next(0, 1000); ; port = 23000 + Random.Shared.Next(0, 1000))
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }
    }

    private async Task<bool> ListeningAsync(int port)
    {
        using var limit = new CancellationTokenSource(TimeoutExtensions.Limit);
        while (!_process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, limit.Token);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(20, limit.Token);
            }
        }

        return false;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
