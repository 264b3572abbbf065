using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Options;
using Resolver.Api.Hosting;
using Resolver.Cli;
using Resolver.Detection.Hosting;
using Resolver.Metrics.Hosting;
using Resolver.Server.Configuration;
using Resolver.Server.Hosting;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Settings.Configuration;

namespace Resolver.Hosting;

/// <summary>
/// Builds the resolver's host: configuration from appsettings.json (beside the binary), an optional
/// extra file, environment variables (RESOLVER__SECTION__KEY) and the command line, in rising order.
/// Under systemd (Type=notify) the host reports READY=1 once every listener is bound and STOPPING=1 on
/// shutdown, and text logs carry journald priorities instead of timestamps; elsewhere neither changes.
/// </summary>
public static class ResolverHostFactory
{
    public static IHost Create(ServeSettings settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });

        if (settings.ConfigFile is not null)
        {
            AddConfigFileBelowEnvironment(builder.Configuration, settings.ConfigFile);
        }

        builder.Configuration.AddInMemoryCollection(settings.ToConfigurationOverrides());
        builder.Services.AddSystemd();
        builder.Services.AddSerilog(CreateLogger(settings, builder.Configuration, SystemdHelpers.IsSystemdService()), dispose: true);
        builder.Services.AddDnsServer(builder.Configuration);
        builder.Services.Configure<DnsServerOptions>(settings.ApplyTo);
        builder.Services.AddFirewallApi(builder.Configuration);
        builder.Services.AddFlowLogDetection(builder.Configuration, provider => provider.GetRequiredService<IOptions<DnsServerOptions>>().Value.StateDirectory);
        builder.Services.AddDnsQueryDetection(builder.Configuration, provider => provider.GetRequiredService<IOptions<DnsServerOptions>>().Value.StateDirectory);
        builder.Services.AddMetricsEndpoint(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// The extra file ranks just above appsettings*.json: an environment variable or a command-line flag
    /// must still override what a mounted config file says, as in every layered setup operators know.
    /// </summary>
    private static void AddConfigFileBelowEnvironment(ConfigurationManager configuration, string path)
    {
        var sources = configuration.Sources;
        var insertAt = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                insertAt = i + 1;
            }
        }

        var source = new JsonConfigurationSource { Path = Path.GetFullPath(path), Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        sources.Insert(insertAt, source);
    }

    private static Serilog.Core.Logger CreateLogger(ServeSettings settings, IConfiguration configuration, bool underSystemd)
    {
        var logger = new LoggerConfiguration()
            // Naming the sink assemblies spares Serilog its scan of every DLL in the folder, which maps
            // System.Reflection.Metadata and reads each file at start.
            .ReadFrom.Configuration(configuration, new ConfigurationReaderOptions(typeof(ConsoleLoggerConfigurationExtensions).Assembly, typeof(RenderedCompactJsonFormatter).Assembly))
            .MinimumLevel.Is(settings.LogLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext();
        if (settings.LogFormat == LogFormat.Json)
        {
            logger = logger.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: null);
        }
        else if (underSystemd)
        {
            // journald stamps each line itself and reads the <N> prefix as the syslog priority.
            logger = logger.Enrich.With<JournalPriorityEnricher>()
                .WriteTo.Console(outputTemplate: "<{" + JournalPriorityEnricher.PropertyName + "}>{SourceContext}: {Message:lj}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            logger = logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}", formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        return logger.CreateLogger();
    }
}
