namespace Resolver.Cli;

public enum LogFormat
{
    Text,
    Json,
}
