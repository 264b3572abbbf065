using Resolver.Cli;

return await ResolverCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
