#!/usr/bin/env python3
"""Adds lockfile entries for optional platform packages (other OSes/CPUs) that this machine's npm
registry mirror does not serve, so `npm ci` accepts the lockfile; npm skips them at install time by
os/cpu/libc. Run after `npm install <pkg>` changes package-lock.json."""
import json, re
p='package-lock.json'
d=json.load(open(p))
pk=d['packages']
added=[]
def platform(name):
    n=name.split('/')[-1]
    os_=None; cpu=None; libc=None
    for o in ['android','darwin','linux','win32','freebsd','openbsd','openharmony']:
        if o in n: os_=o
    for c in ['arm64','x64','arm-eabi','arm-gnueabihf','arm-musleabihf','loong64','ppc64','riscv64','s390x','ia32']:
        if c in n: cpu={'arm-eabi':'arm','arm-gnueabihf':'arm','arm-musleabihf':'arm'}.get(c,c)
    if 'musl' in n: libc='musl'
    elif os_=='linux' and ('gnu' in n or name.startswith('@biomejs')): libc='glibc'
    return os_,cpu,libc
for path,meta in list(pk.items()):
    for dep,ver in (meta.get('optionalDependencies') or {}).items():
        base=path+'/node_modules/'+dep if path else 'node_modules/'+dep
        top='node_modules/'+dep
        if base in pk or top in pk: continue
        os_,cpu,libc=platform(dep)
        entry={'version':ver,'optional':True}
        if meta.get('dev'): entry['dev']=True
        if cpu: entry['cpu']=[cpu]
        if os_: entry['os']=[os_]
        if libc: entry['libc']=[libc]
        pk[top]=entry
        added.append(dep)
d['packages']=dict(sorted(pk.items(), key=lambda kv: (kv[0]!='', kv[0])))
json.dump(d,open(p,'w'),indent=2)
open(p,'a').write('\n')
print(len(added), added[:5])
