using Serilog.Core;
using Serilog.Events;

namespace Resolver.Hosting;

/// <summary>
/// Adds the syslog priority of an event's level (sd-daemon(3): 2 critical to 7 debug), which the console
/// output under systemd writes as a &lt;N&gt; line prefix for journald. One cached property per level.
/// </summary>
internal sealed class JournalPriorityEnricher : ILogEventEnricher
{
    public const string PropertyName = "JournalPriority";

    private static readonly LogEventProperty[] Properties =
    [
        Create(7), // Verbose
        Create(7), // Debug
        Create(6), // Information
        Create(4), // Warning
        Create(3), // Error
        Create(2), // Fatal
    ];

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var level = (int)logEvent.Level;
        logEvent.AddPropertyIfAbsent(Properties[(uint)level < (uint)Properties.Length ? level : Properties.Length - 1]);
    }

    private static LogEventProperty Create(int priority) => new(PropertyName, new ScalarValue(priority));
}
