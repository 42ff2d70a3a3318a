namespace Roost.Testing;

/// <summary>
/// The private RabbitMQ node that <c>./test.sh</c> starts. Without it a RabbitMQ test fails, never silently skips: the
/// bus suite is meant to run on both buses.
/// </summary>
public static class TestRabbitMq
{
    public const string UriVariable = "ROOST_TEST_RABBITMQ";
    public const string TlsUriVariable = "ROOST_TEST_RABBITMQ_TLS";
    public const string CertificateVariable = "ROOST_TEST_RABBITMQ_CA";

    /// <summary>amqp:// on loopback, with the node's user and password.</summary>
    public static string Uri => Required(UriVariable);

    /// <summary>amqps:// to "localhost", whose certificate <see cref="CertificateAuthorityFile"/> signed.</summary>
    public static string TlsUri => Required(TlsUriVariable);

    public static string CertificateAuthorityFile => Required(CertificateVariable);

    /// <summary>The broker's address (for a <see cref="TcpFaultProxy"/> in front of it).</summary>
    public static System.Net.IPEndPoint EndPoint
    {
        get
        {
            var uri = new System.Uri(Uri);
            return new System.Net.IPEndPoint(System.Net.IPAddress.Parse(uri.Host), uri.Port);
        }
    }

    /// <summary><see cref="Uri"/> pointed at another port on loopback (a proxy's).</summary>
    public static string UriThrough(int port) => new UriBuilder(Uri) { Host = "127.0.0.1", Port = port }.Uri.ToString();

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the tests with ./test.sh, which starts a private RabbitMQ node.");
}
