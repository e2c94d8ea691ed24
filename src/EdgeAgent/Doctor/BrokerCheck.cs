using System.Net.Sockets;
using System.Security.Authentication;
using EdgeAgent.Configuration;
using EdgeAgent.Protocol;
using MQTTnet;

namespace EdgeAgent.Doctor;

/// <summary>
/// Connects to the broker with exactly the agent's TLS settings and credentials, under a separate client id
/// (<c>{device}-doctor</c>) so a running agent's session is never taken over.
/// </summary>
public static class BrokerCheck
{
    public const string Name = "broker";

    public static async Task<DoctorResult> RunAsync(EdgeAgentOptions agent, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var endpoint = BrokerEndpoint.Parse(agent.Broker.Url);
        var how = $"{endpoint}{(endpoint.UseTls ? " (TLS)" : " (no TLS)")}{(string.IsNullOrEmpty(agent.Broker.Username) ? "" : $" as '{agent.Broker.Username}'")}";
        MqttClientOptions options;
        try
        {
            options = MqttConnectionFactory.Build(agent.Broker, agent.DeviceId + "-doctor", b => b.WithCleanStart(true).WithTimeout(timeout));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            return DoctorResult.Fail(Name, $"cannot load TLS or credential files: {ex.Message}", "run doctor as root or as user edgeagent (sudo -u edgeagent edgeagent doctor), and check Broker:CaFile, ClientCertificateFile, ClientKeyFile, PasswordFile");
        }

        using var client = new MqttClientFactory().CreateMqttClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var result = await client.ConnectAsync(options, deadline.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return Refused(how, result.ResultCode.ToString());
            }

            await client.DisconnectAsync(cancellationToken: CancellationToken.None);
            return DoctorResult.Pass(Name, $"connected to {how}");
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex)
        {
            return Refused(how, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DoctorResult.Fail(Name, $"{how}: no answer within {timeout.TotalSeconds:0} s", "check the network path to the broker (firewall, VPN, DNS) and that the broker is running");
        }
        catch (Exception ex) when (Find<AuthenticationException>(ex) is { } tls)
        {
            return DoctorResult.Fail(Name, $"{how}: TLS handshake failed: {tls.Message}", "Broker:CaFile must hold the CA that signed the broker's certificate, the URL's host must match the certificate's name, and the device clock must be right");
        }
        catch (Exception ex) when (Find<SocketException>(ex) is { } socket)
        {
            return DoctorResult.Fail(Name, $"cannot reach {endpoint}: {socket.Message}", "check Broker:Url, that the broker runs and listens on that port, and the network path (firewall, DNS)");
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException)
        {
            return DoctorResult.Fail(Name, $"{how}: {ex.Message}", "check Broker:Url (mqtts:// for a TLS port, mqtt:// for a plain one) and the broker's log");
        }
    }

    private static DoctorResult Refused(string how, string code) => code switch
    {
        _ when code.Contains(nameof(MqttClientConnectResultCode.BadUserNameOrPassword), StringComparison.Ordinal) || code.Contains(nameof(MqttClientConnectResultCode.NotAuthorized), StringComparison.Ordinal) =>
            DoctorResult.Fail(Name, $"{how}: broker refused the credentials ({code})", "check Broker:Username and the password in Broker:PasswordFile against the broker's user list (mosquitto: mosquitto_passwd)"),
        _ => DoctorResult.Fail(Name, $"{how}: broker refused the connection ({code})", "see the broker's log for why it refused this client"),
    };

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T match)
            {
                return match;
            }
        }

        return null;
    }
}
