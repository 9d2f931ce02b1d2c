"""The fetch command: the status and body of the response to a URL."""
import json

import netclient


def describe_response(url):
	response = netclient.fetch(url)
	return [
		f"{response['status']} {response['url']}",
		json.dumps(response["body"], sort_keys=True),
	]
