// Offline validation of Kubernetes manifests; validate.sh installs what this needs and runs it:
//   node validate.mjs CACHE_DIR FILE...
// CACHE_DIR holds node_modules with kubernetes-models (the Kubernetes OpenAPI schemas,
// compiled to JSON-schema validators with ajv) and yaml. Nothing is fetched here.
//
// Each document of each file is checked in three ways:
// 1. against the schema of its apiVersion and kind (types, formats, enums, required fields);
//    a kind without a schema is an error, not a skip;
// 2. strictly: a field the schema does not define is an error, as with `kubectl apply
//    --validate=strict` (kubernetes-models' validators accept unknown fields, so each object
//    is wrapped in a Proxy that records which fields the validator read: a property-checking
//    validator reads every field its schema defines, so an unread field is an unknown one;
//    an object whose validator read no field or listed them all is a free-form map, as
//    labels are, and is not checked);
// 3. against a few rules that the API server or the kubelet enforces and the OpenAPI schema
//    does not express: metadata.name present and a DNS subdomain, every container has an
//    image, a workload's selector matches its template's labels, and a probe's named port
//    is one of the container's ports.
// A kustomization.yaml is checked by hand (its fields, and that its resources exist and list
// every manifest beside it but *.example.yaml), and built with `kubectl kustomize` where
// kubectl is on the PATH. Prints one line per file (then one indented line per error) and a
// closing "N passed, M failed"; exits 1 if any file has an error.
import { spawnSync } from "node:child_process";
import { readFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [cacheDir, ...files] = process.argv.slice(2);
if (!cacheDir || files.length === 0) {
	console.error("usage: node validate.mjs CACHE_DIR FILE...");
	process.exit(2);
}
const modules = path.join(cacheDir, "node_modules");
const requireFromCache = createRequire(path.join(cacheDir, "package.json"));
const YAML = requireFromCache("yaml");
const localize = createRequire(path.join(modules, "@kubernetes-models", "validate", "package.json"))(
	"ajv-i18n/localize/en"
);
const modelsDir = path.join(modules, "kubernetes-models");

const KUSTOMIZATION_FIELDS = new Set([
	"apiVersion", "kind", "metadata", "resources", "components", "bases", "namespace", "namePrefix",
	"nameSuffix", "labels", "commonLabels", "commonAnnotations", "images", "replicas", "patches",
	"patchesStrategicMerge", "patchesJson6902", "configMapGenerator", "secretGenerator",
	"generatorOptions", "generators", "transformers", "validators", "replacements", "vars", "crds",
	"openapi", "buildMetadata", "sortOptions", "helmCharts", "helmGlobals", "configurations",
]);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// "/spec/template/spec/containers/0/image" -> "spec.template.spec.containers[0].image"
function fieldPath(pointer) {
	let out = "";
	for (const raw of pointer.split("/").slice(1)) {
		const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
		if (/^\d+$/.test(part)) out += `[${part}]`;
		else if (/^[A-Za-z0-9_-]+$/.test(part)) out += (out ? "." : "") + part;
		else out += `[${JSON.stringify(part)}]`;
	}
	return out || "(document)";
}

const validators = new Map();
async function schemaValidator(apiVersion, kind) {
	const key = `${apiVersion} ${kind}`;
	if (validators.has(key)) return validators.get(key);
	let validate = null;
	// apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment.js, which names its schema.
	if (/^([a-z0-9][-a-z0-9.]*\/)?v\d+[a-z0-9]*$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
		const model = path.join(modelsDir, ...apiVersion.split("/"), `${kind}.js`);
		const schema = existsSync(model) && /_schemas\/(\w+)\.js/.exec(readFileSync(model, "utf8"));
		if (schema) {
			const file = path.join(modelsDir, "_schemas", `${schema[1]}.js`);
			validate = (await import(pathToFileURL(file).href)).validate;
		}
	}
	validators.set(key, validate);
	return validate;
}

// Runs the validator on a recording view of the object; returns its errors and the unknown fields.
function validateStrictly(validate, object) {
	const records = new Map();
	const views = new WeakMap();
	const view = (value) => {
		if (value === null || typeof value !== "object") return value;
		let proxy = views.get(value);
		if (proxy) return proxy;
		const record = { read: new Set(), listed: false };
		records.set(value, record);
		proxy = new Proxy(value, {
			get(target, key, receiver) {
				if (typeof key === "string") record.read.add(key);
				return view(Reflect.get(target, key, receiver));
			},
			has(target, key) {
				if (typeof key === "string") record.read.add(key);
				return Reflect.has(target, key);
			},
			ownKeys(target) {
				record.listed = true;
				return Reflect.ownKeys(target);
			},
		});
		views.set(value, proxy);
		return proxy;
	};
	const valid = validate(view(object));
	const errors = [];
	if (!valid && validate.errors) {
		const list = validate.errors.map((e) => ({ ...e }));
		localize(list);
		for (const e of list) {
			const where = fieldPath(e.instancePath);
			if (e.keyword === "required") {
				errors.push(`${where === "(document)" ? "" : where + "."}${e.params.missingProperty}: required field missing`);
			} else if (e.keyword === "enum") {
				errors.push(`${where}: ${e.message}: ${e.params.allowedValues.join(", ")}`);
			} else {
				errors.push(`${where}: ${e.message}`);
			}
		}
	}
	const unknown = (value, pointer) => {
		if (value === null || typeof value !== "object") return;
		if (Array.isArray(value)) {
			value.forEach((item, i) => unknown(item, `${pointer}/${i}`));
			return;
		}
		const record = records.get(value);
		const checked = record && !record.listed && record.read.size > 0;
		for (const key of Object.keys(value)) {
			const here = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
			if (checked && !record.read.has(key)) {
				errors.push(`${fieldPath(here)}: unknown field "${key}"`);
			} else {
				unknown(value[key], here);
			}
		}
	};
	unknown(object, "");
	return errors;
}

// Where each kind keeps its pod template's spec and its selector.
function podSpecs(doc) {
	const spec = doc.spec ?? {};
	switch (doc.kind) {
		case "Pod":
			return [["spec", spec, null]];
		case "Deployment":
		case "StatefulSet":
		case "DaemonSet":
		case "ReplicaSet":
			return [["spec.template.spec", spec.template?.spec, { selector: spec.selector, labels: spec.template?.metadata?.labels }]];
		case "Job":
			return [["spec.template.spec", spec.template?.spec, null]];
		case "CronJob":
			return [["spec.jobTemplate.spec.template.spec", spec.jobTemplate?.spec?.template?.spec, null]];
		default:
			return [];
	}
}

function serverRules(doc) {
	const errors = [];
	const name = doc.metadata?.name;
	if (name === undefined && doc.metadata?.generateName === undefined) {
		errors.push("metadata.name: required field missing");
	} else if (typeof name === "string" && (name.length > 253 || !DNS_SUBDOMAIN.test(name))) {
		errors.push(`metadata.name: "${name}" is not a DNS subdomain (lower case letters, digits, '-' and '.')`);
	}
	for (const [where, pod, template] of podSpecs(doc)) {
		if (!pod || typeof pod !== "object") continue;
		for (const list of ["initContainers", "containers"]) {
			if (!Array.isArray(pod[list])) continue;
			pod[list].forEach((c, i) => {
				if (!c || typeof c !== "object") return;
				const at = `${where}.${list}[${i}]`;
				if (typeof c.image !== "string" || c.image.trim() === "") {
					errors.push(`${at}.image: required field missing (the API server rejects a container without an image)`);
				}
				const names = new Set((Array.isArray(c.ports) ? c.ports : []).map((p) => p?.name).filter(Boolean));
				for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
					for (const handler of ["httpGet", "tcpSocket", "grpc"]) {
						const port = c[probe]?.[handler]?.port;
						if (typeof port === "string" && !/^\d+$/.test(port) && !names.has(port)) {
							errors.push(`${at}.${probe}.${handler}.port: "${port}" is not one of the container's named ports`);
						}
					}
				}
			});
		}
		const wanted = template?.selector?.matchLabels;
		if (wanted && typeof wanted === "object") {
			const labels = template.labels ?? {};
			for (const [k, v] of Object.entries(wanted)) {
				if (labels[k] !== v) {
					errors.push(`spec.selector.matchLabels: ${k}=${v} does not match spec.template.metadata.labels (the API server rejects it)`);
				}
			}
		}
	}
	return errors;
}

function kustomization(doc, file) {
	const errors = [];
	if (!/^kustomize\.config\.k8s\.io\/v1(beta1|alpha1)$/.test(String(doc.apiVersion))) {
		errors.push(`apiVersion: "${doc.apiVersion}" is not kustomize.config.k8s.io/v1beta1`);
	}
	for (const key of Object.keys(doc)) {
		if (!KUSTOMIZATION_FIELDS.has(key)) errors.push(`${key}: unknown field "${key}"`);
	}
	const dir = path.dirname(file);
	const resources = doc.resources ?? [];
	if (!Array.isArray(resources)) {
		errors.push("resources: must be a list");
		return errors;
	}
	const listed = new Set();
	resources.forEach((r, i) => {
		if (typeof r !== "string") {
			errors.push(`resources[${i}]: must be a string`);
		} else if (!/^[a-z]+:\/\//.test(r)) {
			const target = path.resolve(dir, r);
			listed.add(target);
			if (!existsSync(target)) errors.push(`resources[${i}]: ${r} does not exist`);
		}
	});
	for (const name of readdirSync(dir)) {
		const full = path.resolve(dir, name);
		if (!/\.ya?ml$/.test(name) || /^kustomization\.ya?ml$/.test(name) || /\.example\.ya?ml$/.test(name)) continue;
		if (statSync(full).isFile() && !listed.has(full)) errors.push(`resources: ${name} is in the folder but not listed`);
	}
	if (errors.length === 0) {
		const build = spawnSync("kubectl", ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
		if (build.error?.code === "ENOENT") {
			notes.push("not built: no kubectl on the PATH");
		} else if (build.status !== 0) {
			// klog's prefix off: E1126 00:52:14.863689 15331 run.go:72] "command failed" err=…
			const why = (build.stderr || String(build.error)).replace(/^E\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err=/, "");
			errors.push(`kubectl kustomize: ${why.replace(/\s+/g, " ").trim().replace(/^"|"$|^< | >$/g, "").trim().slice(0, 300)}`);
		} else {
			notes.push("kubectl kustomize builds it");
		}
	}
	return errors;
}

let notes = [];
async function checkFile(file) {
	notes = [];
	let text;
	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		return { what: "", errors: [`cannot read: ${e.message}`] };
	}
	const docs = YAML.parseAllDocuments(text, { version: "1.1", uniqueKeys: true, prettyErrors: true });
	const errors = [];
	const what = [];
	let n = 0;
	for (const d of Array.isArray(docs) ? docs : [docs]) {
		n++;
		const prefix = docs.length > 1 ? `document ${n}: ` : "";
		// The first YAML error only: the others usually follow from it.
		for (const e of [...d.errors, ...d.warnings].slice(0, 1)) {
			errors.push(`${prefix}YAML: ${e.message.split("\n")[0].replace(/:$/, "")}`);
		}
		if (d.errors.length) continue;
		const doc = d.toJS({ maxAliasCount: 100 });
		if (doc === null || doc === undefined) continue;
		if (typeof doc !== "object" || Array.isArray(doc)) {
			errors.push(`${prefix}not a Kubernetes object (a YAML mapping)`);
			continue;
		}
		const label = `${doc.apiVersion ?? "?"} ${doc.kind ?? "?"}${doc.metadata?.name ? " " + doc.metadata.name : ""}`;
		what.push(label);
		const p = (list) => list.forEach((e) => errors.push(`${prefix}${docs.length > 1 ? label + ": " : ""}${e}`));
		if (typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
			p(["apiVersion and kind: required fields missing"]);
			continue;
		}
		if (doc.kind === "Kustomization" || doc.kind === "Component") {
			p(kustomization(doc, file));
			continue;
		}
		const validate = await schemaValidator(doc.apiVersion, doc.kind);
		if (!validate) {
			p([`no schema for apiVersion ${doc.apiVersion}, kind ${doc.kind} (misspelled, or not a built-in kind)`]);
			continue;
		}
		p(validateStrictly(validate, doc));
		p(serverRules(doc));
	}
	if (what.length === 0 && errors.length === 0) errors.push("no Kubernetes object in the file");
	return { what: [...what, ...notes].join(", "), errors };
}

let failed = 0;
for (const file of files) {
	const shown = path.relative(process.cwd(), file).startsWith("..") ? file : path.relative(process.cwd(), file);
	const { what, errors } = await checkFile(file);
	if (errors.length === 0) {
		console.log(`ok    ${shown}  (${what})`);
	} else {
		failed++;
		console.log(`FAIL  ${shown}${what ? `  (${what})` : ""}: ${errors.length} error${errors.length > 1 ? "s" : ""}`);
		for (const e of errors) console.log(`        ${e}`);
	}
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
