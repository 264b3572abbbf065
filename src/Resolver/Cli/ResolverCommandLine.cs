using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resolver.Hosting;
using Resolver.Server.Configuration;
using Serilog.Events;

namespace Resolver.Cli;

/// <summary>
/// The command line: <c>resolver [serve] [options]</c>. The root command serves too, so the common case
/// needs no subcommand; the other subcommands (check, export, detect) hang off the root.
/// </summary>
public static class ResolverCommandLine
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitInvalidConfiguration = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand("DNS forwarding resolver with a rule-group DNS firewall (Route 53 Resolver DNS Firewall semantics).");
        var serveOptions = new ServeOptions();
        serveOptions.AddTo(root);
        root.SetAction((parseResult, cancellationToken) => ServeAsync(serveOptions.Read(parseResult), cancellationToken));

        var serve = new Command("serve", "Run the resolver (the default when no command is given).");
        var serveCommandOptions = new ServeOptions();
        serveCommandOptions.AddTo(serve);
        serve.SetAction((parseResult, cancellationToken) => ServeAsync(serveCommandOptions.Read(parseResult), cancellationToken));
        root.Add(serve);

        var checkRulesets = new Option<string>("--rulesets")
        {
            Description = "Folder of firewall ruleset files to check [default: ./rulesets]",
            HelpName = "DIR",
            DefaultValueFactory = _ => "rulesets",
        };
        var check = new Command("check", "Validate a rulesets folder and print its lists, rule groups and each network's rules in evaluation order; exit 1 on errors.")
        {
            checkRulesets,
        };
        check.SetAction(parseResult => CheckCommand.Run(parseResult.GetValue(checkRulesets)!, Console.Out, Console.Error));
        root.Add(check);
        root.Add(BuildExport());
        root.Add(BuildDetect());
        return root;
    }

    private static Command BuildDetect()
    {
        var flowLogs = new Option<string[]>("--flow-logs")
        {
            Description = "VPC flow-log file (plain or gzip; default or custom format with a header line) or folder of them; repeatable",
            HelpName = "PATH",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var state = new Option<string>("--state")
        {
            Description = "JSON state file carried across runs: the learned baseline, findings (counts continue) and how far each file was read [default: none, this run only]",
            HelpName = "FILE",
        };
        var window = new Option<string>("--learning-window")
        {
            Description = "How long each instance's resolvers are learned before findings, and how long a server stays known after its last use (d, h, m, s) [default: 30d]",
            HelpName = "DURATION",
        };
        window.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (text is not null && !Duration.TryParse(text, out _))
            {
                result.AddError($"--learning-window '{text}' is not a duration such as 30d, 12h or 90m");
            }
        });
        var services = new Option<string[]>("--services")
        {
            Description = "Extra catalog of public DNS, DoH and DoT services (format of rulesets/public-dns-services.yaml); repeatable",
            HelpName = "FILE",
            AllowMultipleArgumentsPerToken = false,
        };
        var allow = new Option<string[]>("--allow")
        {
            Description = "Allowed resolver, address or CIDR range: never raises findings; repeatable",
            HelpName = "ADDR|CIDR",
            AllowMultipleArgumentsPerToken = false,
        };
        var accountId = new Option<string>("--account-id")
        {
            Description = "Account id of findings whose records carry none [default: 000000000000]",
            HelpName = "ID",
        };
        var region = new Option<string>("--region")
        {
            Description = "Region written in findings and their ARNs [default: us-east-1]",
            HelpName = "REGION",
        };
        var detect = new Command("detect", "Read VPC flow logs and report instances that use a new public DNS resolver, DoH or DoT server (GuardDuty DefenseEvasion findings as JSON lines); exit 2 when it cannot run.")
        {
            flowLogs,
            state,
            window,
            services,
            allow,
            accountId,
            region,
        };
        detect.SetAction(parseResult => DetectCommand.Run(
            new DetectSettings
            {
                FlowLogs = parseResult.GetValue(flowLogs) ?? [],
                StateFile = parseResult.GetValue(state),
                LearningWindow = parseResult.GetValue(window) is { } text && Duration.TryParse(text, out var duration) ? duration : null,
                ServiceFiles = parseResult.GetValue(services) ?? [],
                Allow = parseResult.GetValue(allow) ?? [],
                AccountId = parseResult.GetValue(accountId),
                Region = parseResult.GetValue(region),
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return detect;
    }

    private static Command BuildExport()
    {
        var rulesets = new Option<string>("--rulesets")
        {
            Description = "Folder of firewall ruleset files to export [default: ./rulesets]",
            HelpName = "DIR",
            DefaultValueFactory = _ => "rulesets",
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder to write: firewall.yaml and lists/; must not exist or be empty",
            HelpName = "DIR",
            Required = true,
        };
        var stateDir = new Option<string>("--state-dir")
        {
            Description = "The server's state folder (as for serve): resources made through the management API are exported from it too [default: $XDG_STATE_HOME/resolver or ~/.local/state/resolver]",
            HelpName = "DIR",
        };
        var export = new Command("export", "Write the whole firewall (rulesets folder and what the management API made) as a rulesets folder: one firewall.yaml and one sorted file per domain list; exit 1 on errors.")
        {
            rulesets,
            output,
            stateDir,
        };
        export.SetAction(parseResult => ExportCommand.Run(
            parseResult.GetValue(rulesets)!,
            parseResult.GetValue(output)!,
            Console.Out,
            Console.Error,
            ExportCommand.ApiResources(parseResult.GetValue(stateDir))));
        return export;
    }

    public static async Task<int> ServeAsync(ServeSettings settings, CancellationToken cancellationToken)
    {
        IHost host;
        try
        {
            host = ResolverHostFactory.Create(settings);
        }
        catch (Exception exception) when (exception is InvalidDataException or FileNotFoundException or FormatException)
        {
            await Console.Error.WriteLineAsync($"resolver: invalid configuration: {exception.Message}").ConfigureAwait(false);
            return ExitInvalidConfiguration;
        }

        using (host)
        {
            try
            {
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
                return ExitOk;
            }
            catch (OptionsValidationException exception)
            {
                await Console.Error.WriteLineAsync("resolver: invalid configuration:").ConfigureAwait(false);
                foreach (var failure in exception.Failures)
                {
                    await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
                }

                return ExitInvalidConfiguration;
            }
            catch (InvalidDataException exception)
            {
                await Console.Error.WriteLineAsync($"resolver: invalid configuration: {exception.Message}").ConfigureAwait(false);
                return ExitInvalidConfiguration;
            }
            catch (InvalidOperationException exception) when (exception.InnerException is System.Net.Sockets.SocketException)
            {
                await Console.Error.WriteLineAsync($"resolver: {exception.Message}").ConfigureAwait(false);
                return ExitFailure;
            }
        }
    }

    /// <summary>The options of the serve command; one instance per command that carries them.</summary>
    private sealed class ServeOptions
    {
        private readonly Option<string[]> _listen = new("--listen", "-l")
        {
            Description = $"Address to serve DNS on, UDP and TCP; repeatable [default: {DnsServerOptions.DefaultListen}]",
            HelpName = "ADDR:PORT",
            AllowMultipleArgumentsPerToken = false,
        };

        private readonly Option<string[]> _upstream = new("--upstream", "-u")
        {
            Description = "Upstream DNS server, port 53 if omitted; repeatable [default: the nameservers of /etc/resolv.conf, minus this resolver's own addresses]",
            HelpName = "ADDR[:PORT]",
            AllowMultipleArgumentsPerToken = false,
        };

        private readonly Option<string> _rulesets = new("--rulesets")
        {
            Description = "Folder of firewall ruleset files [default: ./rulesets]",
            HelpName = "DIR",
        };

        private readonly Option<bool> _tcpOnly = new("--upstream-tcp-only")
        {
            Description = "Forward every query to the upstreams over TCP [default: false]",
        };

        private readonly Option<string> _queryLog = new("--query-log")
        {
            Description = "Log queries as Route 53 Resolver query-log JSON lines: all, matches (firewall matches only) or off [default: off]",
            HelpName = "all|matches|off",
        };

        private readonly Option<string> _queryLogFile = new("--query-log-file")
        {
            Description = "File the query log is appended to; - for standard output [default: -]",
            HelpName = "PATH",
        };

        private readonly Option<string> _cacheSize = new("--cache-size")
        {
            Description = "Response cache size in bytes (suffix k, m or g); 0 turns the cache off [default: 32m]",
            HelpName = "BYTES",
        };

        private readonly Option<string> _stateDir = new("--state-dir")
        {
            Description = "Folder for state kept across restarts: downloaded domain lists, what the management API made [default: $XDG_STATE_HOME/resolver or ~/.local/state/resolver]",
            HelpName = "DIR",
        };

        private readonly Option<string> _apiListen = new("--api-listen")
        {
            Description = "Serve the Route53Resolver-compatible management API (AWS CLI: --endpoint-url http://ADDR:PORT) on this address; needs an access key (RESOLVER_API_ACCESS_KEY_ID and RESOLVER_API_SECRET_ACCESS_KEY, or Resolver:Api:AccessKeys) [default: off]",
            HelpName = "ADDR:PORT",
        };

        private readonly Option<string> _flowLogFolder = new("--flow-log-folder")
        {
            Description = "Follow VPC flow-log files in this folder and write resolver-bypass findings to findings.jsonl in the state folder (Resolver:Detection) [default: off]",
            HelpName = "DIR",
        };

        private readonly Option<string> _metricsListen = new("--metrics-listen")
        {
            Description = "Serve Prometheus /metrics, /healthz and /readyz on this address, or off [default: 127.0.0.1:9153]",
            HelpName = "ADDR:PORT|off",
        };

        private readonly Option<bool> _dnsFindings = new("--dns-findings")
        {
            Description = "Score every query and write GuardDuty's DNS findings (C&C, mining pool, DGA, DNS exfiltration) to findings.jsonl in the state folder (Resolver:Detection:DnsFindings) [default: off]",
        };

        private readonly Option<string> _config = new("--config")
        {
            Description = "Extra JSON settings file, layered over appsettings.json [default: none]",
            HelpName = "FILE",
        };

        private readonly Option<LogEventLevel> _logLevel = new("--log-level")
        {
            Description = "Lowest level logged: Verbose, Debug, Information, Warning, Error, Fatal",
            DefaultValueFactory = _ => LogEventLevel.Information,
            HelpName = "LEVEL",
        };

        private readonly Option<LogFormat> _logFormat = new("--log-format")
        {
            Description = "Log output: text, or json (compact JSON lines)",
            DefaultValueFactory = _ => LogFormat.Text,
            HelpName = "text|json",
        };

        public void AddTo(Command command)
        {
            command.Add(_listen);
            command.Add(_upstream);
            command.Add(_rulesets);
            command.Add(_tcpOnly);
            _queryLog.AcceptOnlyFromAmong("all", "matches", "off");
            command.Add(_queryLog);
            command.Add(_queryLogFile);
            _cacheSize.Validators.Add(result =>
            {
                var text = result.GetValueOrDefault<string>();
                if (text is not null && !ByteSize.TryParse(text, out _))
                {
                    result.AddError($"--cache-size '{text}' is not a size such as 0, 1048576, 512k, 64m or 1g");
                }
            });
            command.Add(_cacheSize);
            command.Add(_stateDir);
            command.Add(_apiListen);
            command.Add(_flowLogFolder);
            command.Add(_dnsFindings);
            command.Add(_metricsListen);
            command.Add(_config);
            command.Add(_logLevel);
            command.Add(_logFormat);
        }

        public ServeSettings Read(ParseResult result) => new()
        {
            Listen = result.GetValue(_listen) ?? [],
            Upstreams = result.GetValue(_upstream) ?? [],
            Rulesets = result.GetValue(_rulesets),
            UpstreamTcpOnly = result.GetValue(_tcpOnly),
            ConfigFile = result.GetValue(_config),
            QueryLog = result.GetValue(_queryLog),
            StateDirectory = result.GetValue(_stateDir),
            ApiListen = result.GetValue(_apiListen),
            FlowLogFolder = result.GetValue(_flowLogFolder),
            DnsFindings = result.GetValue(_dnsFindings) ? true : null,
            MetricsListen = result.GetValue(_metricsListen),
            CacheSize = result.GetValue(_cacheSize) is { } size && ByteSize.TryParse(size, out var bytes) ? bytes : null,
            QueryLogFile = result.GetValue(_queryLogFile),
            LogLevel = result.GetValue(_logLevel),
            LogFormat = result.GetValue(_logFormat),
        };
    }
}
