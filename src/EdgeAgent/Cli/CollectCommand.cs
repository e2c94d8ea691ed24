using System.CommandLine;
using EdgeAgent.Central;
using EdgeAgent.Central.Collector;
using EdgeAgent.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Cli;

public static class CollectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var broker = new Option<string>("--broker") { Description = "Broker URL, mqtts://host:8883 or mqtt://host:1883.", Required = true };
        var dir = new Option<string>("--output", "-o") { Description = "Root directory of the evidence store.", Required = true };
        var ca = new Option<string?>("--ca-file") { Description = "CA bundle (PEM) for the broker's certificate." };
        var user = new Option<string?>("--username") { Description = "Broker user name." };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the broker password." };
        var clientCert = new Option<string?>("--client-cert") { Description = "Client certificate (PEM) for brokers that require one." };
        var clientKey = new Option<string?>("--client-key") { Description = "Private key (PEM) of --client-cert." };
        var clientId = new Option<string?>("--client-id") { Description = "MQTT client id; unique per collector instance (default: edgeagent-collector-HOSTNAME)." };
        var sharedGroup = new Option<string?>("--shared-group") { Description = "MQTT 5 shared-subscription group: collectors in one group split the load; they must share --output. Default: no sharing." };
        var index = new Option<string>("--index") { Description = "Index of stored records: sqlite (default, DIR/index.db) or postgresql (several collectors sharing DIR).", DefaultValueFactory = _ => EvidenceIndexOptions.Sqlite };
        var indexConnection = new Option<string?>("--index-connection") { Description = "Npgsql connection string without a password (e.g. Host=/run/postgresql;Database=evidence)." };
        var indexConnectionFile = new Option<string?>("--index-connection-file") { Description = "File holding the index connection string (use this when it contains a password)." };
        var keys = new Option<string?>("--keys") { Description = "Enrolled device public keys: a directory of {deviceId}.pem (from 'edgeagent key') or one such file. Records not signed by their device's enrolled key are rejected. Default: signatures not checked." };
        var receiptKey = new Option<string?>("--receipt-key") { Description = "The collector's receipt signing key (ECDSA P-256 PEM), created 0600 if absent; its public key is printed at start for the devices' Broker:CollectorKeys. Default: OUTPUT/collector-receipt-key.pem." };
        var store = new Option<string?>("--store") { Description = "Store records and images in an S3 bucket, s3://bucket[/prefix], instead of --output (which then holds only the SQLite index and chunk staging)." };
        var objectLockDays = new Option<int?>("--object-lock-days") { Description = "With --store: write every object with S3 Object Lock, COMPLIANCE mode, for this many days (the bucket must have Object Lock enabled)." };
        var s3 = new S3Arguments();
        var command = new Command("collect", "Run the central collector: receive evidence, verify image hashes, signatures and chain links, store each record once, answer with signed receipts.") { broker, dir, ca, user, passwordFile, clientCert, clientKey, clientId, sharedGroup, index, indexConnection, indexConnectionFile, keys, receiptKey, store, objectLockDays };
        foreach (var option in s3.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var brokerOptions = new BrokerOptions
            {
                Url = parse.GetValue(broker)!,
                CaFile = parse.GetValue(ca),
                Username = parse.GetValue(user),
                PasswordFile = parse.GetValue(passwordFile),
                ClientCertificateFile = parse.GetValue(clientCert),
                ClientKeyFile = parse.GetValue(clientKey),
            };
            if (!BrokerEndpoint.TryParse(brokerOptions.Url, out _, out var problem))
            {
                error.WriteLine($"edgeagent collect: --broker: {problem}");
                return ExitCodes.Config;
            }

            var connectionFile = parse.GetValue(indexConnectionFile);
            var indexOptions = new EvidenceIndexOptions
            {
                Provider = parse.GetValue(index)!,
                ConnectionString = connectionFile is not null && File.Exists(connectionFile) ? File.ReadAllText(connectionFile).Trim() : parse.GetValue(indexConnection),
            };
            if ((connectionFile is not null && !File.Exists(connectionFile) ? $"--index-connection-file: '{connectionFile}' does not exist" : EvidenceIndexFactory.Validate(indexOptions)) is { } indexProblem)
            {
                error.WriteLine($"edgeagent collect: {indexProblem}");
                return ExitCodes.Config;
            }

            var keysPath = parse.GetValue(keys);
            if (keysPath is not null && !Directory.Exists(keysPath) && !File.Exists(keysPath))
            {
                error.WriteLine($"edgeagent collect: --keys: '{keysPath}' is neither a directory of {{deviceId}}.pem keys nor a key file");
                return ExitCodes.Config;
            }

            Central.Collector.ObjectStore.S3StoreOptions? bucket = null;
            if (parse.GetValue(objectLockDays) is { } days && (days < 1 || parse.GetValue(store) is null))
            {
                error.WriteLine("edgeagent collect: --object-lock-days: needs --store s3://… and a number of days ≥ 1");
                return ExitCodes.Config;
            }

            if (parse.GetValue(store) is { } location)
            {
                try
                {
                    bucket = s3.Build(parse, location, parse.GetValue(objectLockDays));
                }
                catch (ConfigException ex)
                {
                    error.WriteLine($"edgeagent collect: --store: {string.Join("; ", ex.Errors)}");
                    return ExitCodes.Config;
                }
            }

            await using var central = new ServiceCollection()
                .AddLogging(b => b.AddSimpleConsole(o => o.SingleLine = true))
                .AddEvidenceCollector(new CollectorOptions { Broker = brokerOptions, OutputDirectory = parse.GetValue(dir)!, SubscriptionGroup = string.IsNullOrEmpty(parse.GetValue(sharedGroup)) ? null : parse.GetValue(sharedGroup), ClientId = parse.GetValue(clientId) ?? "edgeagent-collector-" + Environment.MachineName, Index = indexOptions, KeysDirectory = keysPath, ReceiptKeyFile = parse.GetValue(receiptKey), ObjectStore = bucket })
                .BuildServiceProvider();
            CollectorService collector;
            try
            {
                collector = central.GetRequiredService<CollectorService>();
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                error.WriteLine($"edgeagent collect: --receipt-key: {ex.Message}");
                return ExitCodes.Config;
            }
            catch (InvalidDataException ex)
            {
                error.WriteLine($"edgeagent collect: --keys: {ex.Message}");
                return ExitCodes.Config;
            }
            catch (StoreCheckException ex)
            {
                error.WriteLine($"edgeagent collect: {ex.Message}");
                return ExitCodes.Unavailable;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
            {
                error.WriteLine($"edgeagent collect: cannot open the {indexOptions.Provider} index: {ex.Message}");
                return ExitCodes.Unavailable;
            }

            await using var collectorLifetime = collector;
            try
            {
                await collector.StartAsync(cancellationToken);
            }
            catch (StoreCheckException ex)
            {
                error.WriteLine($"edgeagent collect: {ex.Message}");
                return ExitCodes.Unavailable;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error.WriteLine($"edgeagent collect: cannot connect to {brokerOptions.Url}: {ex.Message}");
                return ExitCodes.Unavailable;
            }

            // SIGTERM (systemctl stop) ends the run like Ctrl+C: the collector says DISCONNECT and the exit code is 0.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            output.WriteLine($"receipts signed with {collector.ReceiptKey.Path}{(collector.ReceiptKey.Created ? " (new)" : "")}, key id {collector.ReceiptKey.KeyId}; enrol this public key on every device (Broker:CollectorKeys):");
            output.Write(collector.ReceiptKey.PublicKeyPem.ReplaceLineEndings("\n").TrimEnd('\n') + "\n");
            output.WriteLine($"collecting from {brokerOptions.Url} into {collector.Store.Location}; Ctrl+C to stop");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await collector.DisposeAsync();
            output.WriteLine("collector stopped: disconnected from the broker");
            return ExitCodes.Ok;
        });
        return command;
    }
}
