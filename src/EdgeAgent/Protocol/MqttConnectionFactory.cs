using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EdgeAgent.Configuration;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeAgent.Protocol;

/// <summary>Builds MQTT 5 client options from broker configuration: TLS, credentials, keep-alive, socket buffer, maximum packet size.</summary>
public static class MqttConnectionFactory
{
    /// <param name="maximumPacketSize">
    /// The MQTT 5 Maximum Packet Size announced in CONNECT: the broker must not send this client anything bigger
    /// (mosquitto drops such a message for this client), so no oversize packet is ever read into memory. 0: none.
    /// </param>
    /// <param name="receiveMaximum">
    /// The MQTT 5 Receive Maximum announced in CONNECT: at most this many QoS 1 messages unacknowledged in flight
    /// to this client, so the memory held for received messages is at most this times the maximum packet size,
    /// however many the broker has queued. 0: the protocol default (65,535).
    /// </param>
    public static MqttClientOptions Build(BrokerOptions broker, string clientId, Action<MqttClientOptionsBuilder>? configure = null, uint maximumPacketSize = 0, ushort receiveMaximum = 0)
    {
        var endpoint = BrokerEndpoint.Parse(broker.Url);
        var builder = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(broker.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(15))
            .WithTcpServer(endpoint.Host, endpoint.Port); // replaced below by options with our buffer size and TLS

        var password = ReadPassword(broker);
        if (!string.IsNullOrEmpty(broker.Username))
        {
            builder.WithCredentials(broker.Username, password);
        }

        if (maximumPacketSize > 0)
        {
            builder.WithMaximumPacketSize(maximumPacketSize);
        }

        if (receiveMaximum > 0)
        {
            builder.WithReceiveMaximum(receiveMaximum);
        }

        configure?.Invoke(builder);
        var options = builder.Build();
        options.ChannelOptions = new MqttClientTcpOptions
        {
            RemoteEndpoint = new DnsEndPoint(endpoint.Host, endpoint.Port),
            BufferSize = broker.SocketBufferBytes,
            NoDelay = true,
            TlsOptions = endpoint.UseTls ? BuildTls(broker, endpoint) : new MqttClientTlsOptions { UseTls = false },
        };
        return options;
    }

    private static MqttClientTlsOptions BuildTls(BrokerOptions broker, BrokerEndpoint endpoint)
    {
        var tls = new MqttClientTlsOptions
        {
            UseTls = true,
            SslProtocol = SslProtocols.Tls12 | SslProtocols.Tls13,
            TargetHost = endpoint.Host,
        };

        if (!string.IsNullOrEmpty(broker.CaFile))
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(broker.CaFile);
            tls.TrustChain = trust;
        }

        if (!string.IsNullOrEmpty(broker.ClientCertificateFile) && !string.IsNullOrEmpty(broker.ClientKeyFile))
        {
            using var pem = X509Certificate2.CreateFromPemFile(broker.ClientCertificateFile, broker.ClientKeyFile);
            // SslStream needs a certificate whose key is not ephemeral.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            tls.ClientCertificatesProvider = new StaticCertificates(new X509Certificate2Collection(certificate));
        }

        return tls;
    }

    private static string? ReadPassword(BrokerOptions broker) =>
        !string.IsNullOrEmpty(broker.PasswordFile) ? File.ReadAllText(broker.PasswordFile).TrimEnd('\r', '\n') : broker.Password;

    private sealed class StaticCertificates(X509Certificate2Collection certificates) : IMqttClientCertificatesProvider
    {
        public X509CertificateCollection GetCertificates() => certificates;
    }
}
