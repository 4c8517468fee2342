# Certificates and kubeconfigs for the e2e cluster's components, sourced by e2e/cluster and e2e/node.
# Expects $pki (holding ca.crt and ca.key) and, for kubeconfig, $api_port.

# One certificate: name, subject, optional subjectAltName (a serving certificate when given), and the signing CA's name
# in $pki (default: the cluster CA, ca).
certificate() {
  local name=$1 subject=$2 san=${3:-} ca=${4:-ca}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  local ext="$pki/$name.ext"
  { echo "basicConstraints=CA:FALSE"; echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth"; echo "subjectAltName=$san"; else echo "extendedKeyUsage=clientAuth"; fi; } > "$ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" -CAcreateserial -days 30 \
    -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
}

# A kubeconfig for the user whose certificate is $pki/<user>.crt.
kubeconfig() {
  local file=$1 user=$2
  cat > "$file" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: orca-e2e
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $pki/ca.crt
users:
- name: $user
  user:
    client-certificate: $pki/$user.crt
    client-key: $pki/$user.key
contexts:
- name: orca-e2e
  context: {cluster: orca-e2e, user: $user}
current-context: orca-e2e
YAML
}
