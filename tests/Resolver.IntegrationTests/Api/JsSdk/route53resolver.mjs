// Calls one Route53Resolver operation with the AWS SDK for JavaScript v3, the way an application would:
//   node route53resolver.mjs OPERATION 'JSON input'
// Endpoint and credentials come from RESOLVER_API_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
// Prints the output as JSON (metadata removed), or {"error": name, "message": ...} with exit code 3.
import * as sdk from "@aws-sdk/client-route53resolver";

const [operation, input] = process.argv.slice(2);
const Command = sdk[`${operation}Command`];
if (!Command) {
  console.error(`unknown operation ${operation}`);
  process.exit(2);
}

const client = new sdk.Route53ResolverClient({
  endpoint: process.env.RESOLVER_API_URL,
  region: "us-east-1",
  maxAttempts: 1,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
  },
});

try {
  const output = await client.send(new Command(JSON.parse(input ?? "{}")));
  delete output.$metadata;
  console.log(JSON.stringify(output));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message, status: error.$metadata?.httpStatusCode }));
  process.exit(3);
}
