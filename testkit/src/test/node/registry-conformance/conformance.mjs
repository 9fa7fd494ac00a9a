// Runs Confluent's official Node.js Schema Registry client (@confluentinc/schemaregistry)
// against Stormwatch's embedded registry, and reads/writes Confluent wire-format bytes that
// Stormwatch's Java serde wrote/will read. Driven by NodeRegistryConformanceTest (Java), which
// passes its inputs as environment variables and asserts on the JSON this prints.
//
//   REGISTRY_URL     base URL of the registry
//   SUBJECT          a fresh subject for the register/read/compatibility checks
//   JAVA_TOPIC       topic whose value subject holds the schema the Java serde registered
//   JAVA_VALUE_HEX   a value the Java serde serialized for JAVA_TOPIC
//   NODE_RECORD_JSON a record (as JSON) for the Node serializer to write for JAVA_TOPIC
import {
  SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType,
} from '@confluentinc/schemaregistry';

const env = (name) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`missing environment variable ${name}`);
  return v;
};

const v1 = {
  type: 'record', name: 'Reading', namespace: 'conformance',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'value', type: 'double' },
  ],
};
// compatible under BACKWARD: a new field with a default
const v2 = { ...v1, fields: [...v1.fields, { name: 'unit', type: 'string', default: 'C' }] };
// incompatible under BACKWARD: a new field without a default
const v2bad = { ...v1, fields: [...v1.fields, { name: 'site', type: 'string' }] };

const avro = (schema) => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) });

async function main() {
  const client = new SchemaRegistryClient({ baseURLs: [env('REGISTRY_URL')] });
  const subject = env('SUBJECT');
  const out = {};

  const id1 = await client.register(subject, avro(v1), false);
  out.registeredId = id1;
  out.registerAgainSameId = (await client.register(subject, avro(v1), false)) === id1;
  out.idBySubjectAndSchema = await client.getId(subject, avro(v1), false);

  // read it back by id and by subject/version (fresh client: no caches)
  const fresh = new SchemaRegistryClient({ baseURLs: [env('REGISTRY_URL')] });
  out.byIdSchema = JSON.parse((await fresh.getBySubjectAndId(subject, id1)).schema);
  const byVersion = await fresh.getSchemaMetadata(subject, 1, false);
  out.byVersion = { id: byVersion.id, version: byVersion.version, subject: byVersion.subject,
    schema: JSON.parse(byVersion.schema) };
  const latest = await fresh.getLatestSchemaMetadata(subject);
  out.latest = { id: latest.id, version: latest.version };
  out.versions = await fresh.getAllVersions(subject);
  out.subjectListed = (await fresh.getAllSubjects()).includes(subject);

  out.compatibleChangeAccepted = await fresh.testSubjectCompatibility(subject, avro(v2));
  out.incompatibleChangeAccepted = await fresh.testSubjectCompatibility(subject, avro(v2bad));
  out.compatibleAgainstVersion1 = await fresh.testCompatibility(subject, 1, avro(v2));
  try {
    await fresh.register(subject, avro(v2bad), false);
    out.incompatibleRegisterError = null;
  } catch (e) {
    out.incompatibleRegisterError = { status: e.status, errorCode: e.errorCode, message: String(e.message) };
  }
  out.defaultCompatibility = await fresh.getDefaultCompatibility();

  // the other direction of the serde: bytes the Java serde wrote, read by Node
  const topic = env('JAVA_TOPIC');
  const deser = new AvroDeserializer(fresh, SerdeType.VALUE, {});
  const javaRecord = await deser.deserialize(topic, Buffer.from(env('JAVA_VALUE_HEX'), 'hex'));
  out.javaRecordReadByNode = javaRecord;

  // and Node-written bytes for the Java serde to read: latest schema of the Java topic's subject
  const ser = new AvroSerializer(fresh, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
  const nodeBytes = await ser.serialize(topic, JSON.parse(env('NODE_RECORD_JSON')));
  out.nodeValueHex = nodeBytes.toString('hex');

  // a Node-registered schema, serialized by Node with auto-registration, for Java to read
  const readingSer = new AvroSerializer(fresh, SerdeType.VALUE, { autoRegisterSchemas: true });
  const readingBytes = await readingSer.serialize(`${subject}-auto`, { sensor: 's-1', value: 21.5 });
  out.readingValueHex = readingBytes.toString('hex');

  process.stdout.write(JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? Number(v) : v)));
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }));
  process.exit(1);
});
